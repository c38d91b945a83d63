namespace SmartLoudspeaker.Protocol.Security;

/// <summary>A signed message: the bytes and signature as received, and the signed part parsed (not yet verified).</summary>
/// <typeparam name="T">Type of the signed part.</typeparam>
/// <param name="Payload">Signed bytes and signature.</param>
/// <param name="Message">The signed part, parsed.</param>
public sealed record SignedMessage<T>(SignedPayload Payload, T Message)
    where T : class;
