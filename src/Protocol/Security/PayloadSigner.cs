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

    /// <summary>
    /// The signed wire form of a live audio packet, under this key's id (<see cref="Live.LiveAudioPacketCodec"/>): the
    /// Controller holds its current signing key only here, and live packets are signed by it like commands.
    /// </summary>
    public byte[] SignLive(Live.LiveAudioPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return Live.LiveAudioPacketCodec.Encode(packet with { Kid = Kid }, key);
    }

    /// <summary>The signature of arbitrary bytes (what <see cref="Sign{T}"/> puts on the second line).</summary>
    public byte[] SignBytes(ReadOnlySpan<byte> data) => EcdsaP256.Sign(key, data);

    /// <summary>The DER SubjectPublicKeyInfo of the key, as certificates and pinned roots carry it.</summary>
    public byte[] PublicKey() => key.ExportSubjectPublicKeyInfo();
}
