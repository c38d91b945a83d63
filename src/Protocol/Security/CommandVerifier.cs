using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>
/// The one way a command gets into a node: parse, check the signing key and signature over the exact bytes,
/// the key's validity, the target, the type, the time, and finally the sequence number. Only a command that
/// passes every check is accepted, and accepting it records its sequence number in the <see cref="ReplayGuard"/>;
/// the caller persists <see cref="ReplayGuard.State"/> before acting on it.
/// </summary>
/// <param name="trust">Keys the node trusts.</param>
/// <param name="replay">Sequence numbers the node has accepted.</param>
public sealed class CommandVerifier(TrustStore trust, ReplayGuard replay)
{
    /// <summary>Largest clock difference between Controller and node that is not taken as an attack.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(2);

    /// <summary>Decides whether the node addressed as <paramref name="nodeId"/> in <paramref name="zones"/> obeys <paramref name="payload"/>.</summary>
    public CommandVerdict Verify(ReadOnlyMemory<byte> payload, string nodeId, IReadOnlyCollection<string> zones, TrustedTime time)
    {
        var parsed = CommandEnvelopeCodec.Parse(payload);
        if (!parsed.Succeeded)
        {
            return new CommandVerdict(null, RefusalReasons.Malformed, parsed.Detail);
        }

        var envelope = parsed.Message!;
        var command = envelope.Command;
        var keyProblem = trust.Verify(command.Kid, command.Ts, envelope.SignedBytes.Span, envelope.Signature);
        if (keyProblem is not null)
        {
            return new CommandVerdict(envelope, keyProblem, $"key '{command.Kid}'");
        }

        if (!command.Target.Includes(nodeId, zones))
        {
            return new CommandVerdict(envelope, RefusalReasons.WrongTarget, "addressed elsewhere");
        }

        if (!CommandCatalog.IsKnown(command.Type))
        {
            return new CommandVerdict(envelope, RefusalReasons.UnknownCommand, command.Type);
        }

        var timeProblem = CheckTime(command, time);
        if (timeProblem is not null)
        {
            return new CommandVerdict(envelope, timeProblem, $"ts {command.Ts:O}, exp {command.Exp:O}, node time {time.Now:O} (trusted: {time.Trusted})");
        }

        return replay.Admit(command.Seq) switch
        {
            ReplayDecision.Accepted => new CommandVerdict(envelope, null, null),
            ReplayDecision.Seen => new CommandVerdict(envelope, RefusalReasons.Replayed, $"seq {command.Seq} already accepted"),
            _ => new CommandVerdict(envelope, RefusalReasons.TooOld, $"seq {command.Seq}, floor {replay.Floor}, high-water {replay.HighWater}"),
        };
    }

    /// <summary>
    /// With trusted time: not expired, not from the future. Without: only emergency-class commands, whose freshness
    /// then rests on the sequence number alone (docs/security.md, "A node without time").
    /// </summary>
    private static string? CheckTime(SignedCommand command, TrustedTime time)
    {
        if (!time.Trusted)
        {
            return CommandCatalog.IsEmergencyClass(command.Type) ? null : RefusalReasons.ClockUntrusted;
        }

        return time.Now > command.Exp + MaxClockSkew ? RefusalReasons.Expired
            : command.Ts > time.Now + MaxClockSkew ? RefusalReasons.NotYetValid
            : null;
    }
}
