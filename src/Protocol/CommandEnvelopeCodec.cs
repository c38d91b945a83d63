using System.Buffers.Text;

namespace SmartLoudspeaker.Protocol;

/// <summary>
/// Wire form of <see cref="CommandEnvelope"/>: <c>{signed JSON}\n{base64url signature}</c>. Parsing checks the shape
/// and the signed part's fields; whether the signature is genuine is the verifier's job, not the codec's.
/// </summary>
public static class CommandEnvelopeCodec
{
    /// <summary>Largest signature accepted (a DER ECDSA P-256 signature is at most 72 bytes; room for P-384/Ed25519).</summary>
    public const int MaxSignatureBytes = 132;

    /// <summary>Builds the payload from the signed bytes and their signature.</summary>
    public static byte[] Format(ReadOnlySpan<byte> signedBytes, ReadOnlySpan<byte> signature)
    {
        if (signedBytes.IndexOf((byte)'\n') >= 0)
        {
            throw new ArgumentException("The signed part must be a single line.", nameof(signedBytes));
        }

        var encodedLength = Base64Url.GetEncodedLength(signature.Length);
        var payload = new byte[signedBytes.Length + 1 + encodedLength];
        signedBytes.CopyTo(payload);
        payload[signedBytes.Length] = (byte)'\n';
        Base64Url.EncodeToUtf8(signature, payload.AsSpan(signedBytes.Length + 1));
        return payload;
    }

    /// <summary>Splits and parses an envelope; never throws on bad input.</summary>
    public static DecodeResult<CommandEnvelope> Parse(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > WireSchema.MaxJsonPayloadBytes)
        {
            return DecodeResult<CommandEnvelope>.Fail(DecodeFailure.TooLarge, $"{payload.Length} bytes is over the limit");
        }

        var newline = payload.Span.IndexOf((byte)'\n');
        if (newline <= 0 || payload.Span[(newline + 1)..].IndexOf((byte)'\n') >= 0)
        {
            return DecodeResult<CommandEnvelope>.Fail(DecodeFailure.Malformed, "expected exactly two lines: signed JSON, signature");
        }

        var signedBytes = payload[..newline];
        var encodedSignature = payload.Span[(newline + 1)..];
        if (encodedSignature.IsEmpty || Base64Url.GetMaxDecodedLength(encodedSignature.Length) > MaxSignatureBytes + 2)
        {
            return DecodeResult<CommandEnvelope>.Fail(DecodeFailure.Malformed, "signature is missing or too long");
        }

        var signature = new byte[Base64Url.GetMaxDecodedLength(encodedSignature.Length)];
        if (Base64Url.DecodeFromUtf8(encodedSignature, signature, out _, out var written) != System.Buffers.OperationStatus.Done
            || written == 0)
        {
            return DecodeResult<CommandEnvelope>.Fail(DecodeFailure.Malformed, "signature is not base64url");
        }

        var command = WireCodec.Decode<SignedCommand>(signedBytes.Span);
        return command.Succeeded
            ? DecodeResult<CommandEnvelope>.Ok(new CommandEnvelope(signedBytes, signature[..written], command.Message!))
            : DecodeResult<CommandEnvelope>.Fail(command.Failure, command.Detail ?? "invalid signed part");
    }
}
