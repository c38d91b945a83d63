using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>Verifies a clock-sync reply before a node lets it move its clock.</summary>
public static class ClockSyncCheck
{
    /// <summary>Longest round trip a sample may have; a slower one says little about the offset (and may be a stall attack).</summary>
    public static readonly TimeSpan MaxRoundTrip = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The sample, when <paramref name="payload"/> is a genuine reply (known, unrevoked key; valid signature) to
    /// <paramref name="request"/> for <paramref name="nodeId"/>, received at <paramref name="t4"/>; otherwise the refusal reason.
    /// </summary>
    public static (ClockSyncSample? Sample, string? Refusal) Verify(
        ReadOnlyMemory<byte> payload, string nodeId, ClockSyncRequest request, TrustStore trust, DateTimeOffset t4)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(trust);
        var parsed = SignedPayloadCodec.Parse<ClockSyncReply>(payload);
        if (!parsed.Succeeded)
        {
            return (null, RefusalReasons.Malformed);
        }

        var (signed, reply) = (parsed.Message!.Payload, parsed.Message.Message);
        var keyProblem = trust.Verify(reply.Kid, reply.T3, signed.SignedBytes.Span, signed.Signature);
        if (keyProblem is not null)
        {
            return (null, keyProblem);
        }

        if (reply.NodeId != nodeId)
        {
            return (null, RefusalReasons.WrongTarget);
        }

        if (reply.Nonce != request.Nonce || reply.T1 != request.T1)
        {
            return (null, RefusalReasons.Replayed);
        }

        var sample = ClockSyncSample.From(reply.T1, reply.T2, reply.T3, t4);
        return sample.RoundTrip < TimeSpan.Zero || sample.RoundTrip > MaxRoundTrip ? (null, RefusalReasons.Expired) : (sample, null);
    }
}
