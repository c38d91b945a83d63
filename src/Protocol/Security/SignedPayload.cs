namespace SmartLoudspeaker.Protocol.Security;

/// <summary>A signed payload as received: the exact signed bytes and the signature over them.</summary>
/// <param name="SignedBytes">The first line, exactly as received (UTF-8 JSON).</param>
/// <param name="Signature">The decoded signature.</param>
public sealed record SignedPayload(ReadOnlyMemory<byte> SignedBytes, byte[] Signature);
