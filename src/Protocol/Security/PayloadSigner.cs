using System.Security.Cryptography;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>Signs wire messages with one key: the root (certificates, revocations) or a Controller signing key.</summary>
/// <param name="key">A P-256 private key.</param>
/// <param name="kid">Its key id.</param>
public sealed class PayloadSigner(ECDsa key, string kid)
{
    /// <summary>Key id.</summary>
    public string Kid { get; } = kid;

    /// <summary>The signed wire form of <paramref name="message"/>.</summary>
    public byte[] Sign<T>(T message)
        where T : class, IWireMessage
    {
        var signedBytes = WireCodec.Encode(message);
        return SignedPayloadCodec.Format(signedBytes, SignBytes(signedBytes));
    }

    /// <summary>The signature of arbitrary bytes (what <see cref="Sign{T}"/> puts on the second line).</summary>
    public byte[] SignBytes(ReadOnlySpan<byte> data) => EcdsaP256.Sign(key, data);

    /// <summary>The DER SubjectPublicKeyInfo of the key, as certificates and pinned roots carry it.</summary>
    public byte[] PublicKey() => key.ExportSubjectPublicKeyInfo();
}
