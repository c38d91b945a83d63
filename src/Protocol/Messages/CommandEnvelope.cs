namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// A command as it travels: the exact signed bytes (UTF-8 JSON of a <see cref="SignedCommand"/>), then a line
/// feed, then the signature in base64url. The signature covers the first line byte for byte, so nothing has to be
/// re-serialised to verify it, and the payload stays readable with mosquitto_sub. See <see cref="CommandEnvelopeCodec"/>.
/// </summary>
/// <param name="SignedBytes">The first line, exactly as received.</param>
/// <param name="Signature">The decoded signature.</param>
/// <param name="Command">The first line, parsed.</param>
public sealed record CommandEnvelope(ReadOnlyMemory<byte> SignedBytes, byte[] Signature, SignedCommand Command);
