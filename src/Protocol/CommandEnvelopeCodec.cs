using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol;

/// <summary>
/// Wire form of <see cref="CommandEnvelope"/>: the signed form of <see cref="SignedPayloadCodec"/> around a
/// <see cref="SignedCommand"/>. Parsing checks the shape and the signed part's fields; whether the signature is
/// genuine, and whether the node should obey, is <see cref="CommandVerifier"/>'s job.
/// </summary>
public static class CommandEnvelopeCodec
{
    /// <summary>Builds the payload from the signed bytes and their signature.</summary>
    public static byte[] Format(ReadOnlySpan<byte> signedBytes, ReadOnlySpan<byte> signature) =>
        SignedPayloadCodec.Format(signedBytes, signature);

    /// <summary>Splits and parses an envelope; never throws on bad input.</summary>
    public static DecodeResult<CommandEnvelope> Parse(ReadOnlyMemory<byte> payload)
    {
        var parsed = SignedPayloadCodec.Parse<SignedCommand>(payload);
        return parsed.Succeeded
            ? DecodeResult<CommandEnvelope>.Ok(new CommandEnvelope(parsed.Message!.Payload.SignedBytes, parsed.Message.Payload.Signature, parsed.Message.Message))
            : DecodeResult<CommandEnvelope>.Fail(parsed.Failure, parsed.Detail ?? "invalid envelope");
    }
}
