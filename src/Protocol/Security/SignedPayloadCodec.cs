using System.Buffers;
using System.Buffers.Text;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>
/// The one signed wire form, used by commands, key certificates, revocation lists and clock-sync replies:
/// <c>{signed JSON}\n{base64url signature}</c>. The signature covers the first line byte for byte, so a receiver
/// verifies before it parses anything else and nothing is re-serialised; the payload stays readable with mosquitto_sub.
/// </summary>
public static class SignedPayloadCodec
{
    /// <summary>Largest signature accepted (ECDSA P-256 in IEEE P1363 form is 64 bytes; room for larger curves).</summary>
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

    /// <summary>Splits a payload into signed bytes and signature; never throws on bad input.</summary>
    public static DecodeResult<SignedPayload> Split(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > WireSchema.MaxJsonPayloadBytes)
        {
            return DecodeResult<SignedPayload>.Fail(DecodeFailure.TooLarge, $"{payload.Length} bytes is over the limit");
        }

        var newline = payload.Span.IndexOf((byte)'\n');
        if (newline <= 0 || payload.Span[(newline + 1)..].IndexOf((byte)'\n') >= 0)
        {
            return DecodeResult<SignedPayload>.Fail(DecodeFailure.Malformed, "expected exactly two lines: signed JSON, signature");
        }

        var encodedSignature = payload.Span[(newline + 1)..];
        if (encodedSignature.IsEmpty || Base64Url.GetMaxDecodedLength(encodedSignature.Length) > MaxSignatureBytes + 2)
        {
            return DecodeResult<SignedPayload>.Fail(DecodeFailure.Malformed, "signature is missing or too long");
        }

        var signature = new byte[Base64Url.GetMaxDecodedLength(encodedSignature.Length)];
        if (Base64Url.DecodeFromUtf8(encodedSignature, signature, out _, out var written) != OperationStatus.Done || written == 0)
        {
            return DecodeResult<SignedPayload>.Fail(DecodeFailure.Malformed, "signature is not base64url");
        }

        return DecodeResult<SignedPayload>.Ok(new SignedPayload(payload[..newline], signature[..written]));
    }

    /// <summary>Splits a payload and decodes its signed part as <typeparamref name="T"/>.</summary>
    public static DecodeResult<SignedMessage<T>> Parse<T>(ReadOnlyMemory<byte> payload)
        where T : class, IWireMessage
    {
        var split = Split(payload);
        if (!split.Succeeded)
        {
            return DecodeResult<SignedMessage<T>>.Fail(split.Failure, split.Detail ?? "malformed");
        }

        var body = WireCodec.Decode<T>(split.Message!.SignedBytes.Span);
        return body.Succeeded
            ? DecodeResult<SignedMessage<T>>.Ok(new SignedMessage<T>(split.Message, body.Message!))
            : DecodeResult<SignedMessage<T>>.Fail(body.Failure, body.Detail ?? "invalid signed part");
    }
}
