using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Control;

/// <summary>The gate's decision on one payload and what the caller needs to carry it out.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Command">The command, when it could be read (even unsigned: its refusal can then name it in an ack).</param>
/// <param name="Reason">Refusal reason code, for <see cref="GateAction.Refuse"/>.</param>
/// <param name="Detail">What a refusal report adds for a technician.</param>
/// <param name="Outcome">The outcome to ack (<see cref="GateAction.Answer"/>) or to start from (<see cref="GateAction.Dispatch"/>).</param>
internal sealed record GateDecision(GateAction Action, SignedCommand? Command, string? Reason, string? Detail, CommandOutcome? Outcome)
{
    /// <summary>A refusal of <paramref name="command"/> (null when unreadable).</summary>
    public static GateDecision Refused(SignedCommand? command, string reason, string? detail) => new(GateAction.Refuse, command, reason, detail, null);
}
