using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Reporting;

/// <summary>
/// Whether an <see cref="EventAck"/> may empty the outbox: a node with a pinned root takes only the signed form, signed
/// by a Controller key the root certified and has not revoked, so nobody but the Controller that stored the events can
/// make the node forget them; a node without a root (development) takes it signed or not, unverified. Either way the
/// acknowledgement must name this node. Thread-safe (the trust store locks).
/// </summary>
/// <param name="nodeId">This node.</param>
/// <param name="trust">The Controller keys the node trusts; null without a pinned root.</param>
internal sealed class EventAckCheck(string nodeId, TrustStore? trust)
{
    /// <summary>The acknowledgement in <paramref name="payload"/>, or why it is refused (a <see cref="RefusalReasons"/> code and detail).</summary>
    public (EventAck? Ack, string? Refusal) Check(ReadOnlyMemory<byte> payload)
    {
        EventAck ack;
        if (payload.Span.IndexOf((byte)'\n') >= 0)
        {
            var parsed = SignedPayloadCodec.Parse<EventAck>(payload);
            if (!parsed.Succeeded)
            {
                return (null, $"{RefusalReasons.Malformed}: {parsed.Failure} {parsed.Detail}");
            }

            if (trust?.VerifyByAnyTrustedKey(parsed.Message!.Payload.SignedBytes.Span, parsed.Message.Payload.Signature) is { } refusal)
            {
                return (null, refusal + ": not signed by a Controller key the root certified");
            }

            ack = parsed.Message!.Message;
        }
        else
        {
            if (trust is not null)
            {
                return (null, RefusalReasons.Malformed + ": unsigned, and this node pins a root key");
            }

            var decoded = WireCodec.Decode<EventAck>(payload.Span);
            if (!decoded.Succeeded)
            {
                return (null, $"{RefusalReasons.Malformed}: {decoded.Failure} {decoded.Detail}");
            }

            ack = decoded.Message!;
        }

        return ack.NodeId == nodeId ? (ack, null) : (null, RefusalReasons.WrongTarget + ": for node " + Printable(ack.NodeId));
    }

    private static string Printable(string text) => Control.LogText.Printable(text);
}
