using System.Security.Cryptography;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Identity;

/// <summary>
/// Who the node is to the Controller and the broker: its ECDSA P-256 key pair (it signs acknowledgements, events and
/// enrolment requests) and the broker password it chose, with that password's <c>$7$</c> hash made once, so every
/// enrolment request carries the same hash the Controller may already hold.
/// </summary>
internal sealed class NodeCredentials : IDisposable
{
    private readonly ECDsa _key;

    /// <param name="key">The private key (owned from now on).</param>
    /// <param name="password">The broker password.</param>
    /// <param name="passwordHash">Its hash (<see cref="BrokerPasswordHash"/>).</param>
    public NodeCredentials(ECDsa key, string password, string passwordHash)
    {
        _key = key;
        Password = password;
        PasswordHash = passwordHash;
        PublicKey = key.ExportSubjectPublicKeyInfo();
        Fingerprint = KeyFingerprint.Of(PublicKey);
    }

    /// <summary>The public key, DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey { get; }

    /// <summary>What a technician compares (<see cref="KeyFingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>The broker password (never leaves the node).</summary>
    public string Password { get; }

    /// <summary>The broker password's hash, as the enrolment request carries it.</summary>
    public string PasswordHash { get; }

    /// <summary>New credentials: a fresh key pair and a fresh random password.</summary>
    public static NodeCredentials CreateNew()
    {
        var password = BrokerPasswordHash.NewPassword();
        return new NodeCredentials(EcdsaP256.CreateKey(), password, BrokerPasswordHash.Create(password));
    }

    /// <summary>The signed wire form of <paramref name="message"/>, signed by this node's key.</summary>
    public byte[] Sign<T>(T message)
        where T : class, IWireMessage
    {
        var signedBytes = WireCodec.Encode(message);
        return SignedPayloadCodec.Format(signedBytes, EcdsaP256.Sign(_key, signedBytes));
    }

    /// <summary>The private key as PKCS#8 PEM, for the key file.</summary>
    public string ExportPrivateKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
