using System.Security.Cryptography;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.TestUtilities.Enrolment;

/// <summary>
/// What a node makes for itself at first start (docs/protocol.md, "Enrolment"): a P-256 key and a broker password.
/// Tests use it to build genuine signed enrolment requests, to connect as the node once enrolled (username = client
/// id = node id), and to sign acknowledgements and events as the node does.
/// </summary>
public sealed class NodeCredentials : IDisposable
{
    private NodeCredentials(string nodeId, ECDsa key, string password)
    {
        NodeId = nodeId;
        Key = key;
        Password = password;
        PasswordHash = BrokerPasswordHash.Create(password);
        PublicKey = key.ExportSubjectPublicKeyInfo();
    }

    /// <summary>The node id, also its broker username and client id.</summary>
    public string NodeId { get; }

    /// <summary>The broker username (the node id).</summary>
    public string Username => NodeId;

    /// <summary>The broker password the node chose (only its hash travels).</summary>
    public string Password { get; }

    /// <summary>The password's <c>$7$</c> hash, as sent in the request.</summary>
    public string PasswordHash { get; }

    /// <summary>The node's key pair.</summary>
    public ECDsa Key { get; }

    /// <summary>The public key, DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The key's fingerprint, as the Controller shows it.</summary>
    public string Fingerprint => KeyFingerprint.Of(PublicKey);

    /// <summary>A new key and password for <paramref name="nodeId"/>.</summary>
    public static NodeCredentials Create(string nodeId) => new(nodeId, EcdsaP256.CreateKey(), BrokerPasswordHash.NewPassword());

    /// <summary>The request this node sends, unsigned; with <paramref name="token"/> (<c>{id}.{secret}</c>) it carries the token's proof.</summary>
    public EnrolmentRequest Request(IReadOnlyList<string> zones, string? token = null, DateTimeOffset? ts = null)
    {
        var publicKey = Convert.ToBase64String(PublicKey);
        string? tokenId = null;
        string? proof = null;
        if (token is not null)
        {
            if (!EnrolmentTokenProof.TryParseToken(token, out var id, out var secret))
            {
                throw new ArgumentException("not a {tokenId}.{secret} token", nameof(token));
            }

            tokenId = id;
            proof = EnrolmentTokenProof.Compute(secret, NodeId, publicKey, PasswordHash);
        }

        return new EnrolmentRequest
        {
            NodeId = NodeId,
            Ts = ts ?? DateTimeOffset.UtcNow,
            Zones = zones,
            Hardware = new HardwareProfile { Model = "test node", Serial = "serial-" + NodeId, Os = "Debian GNU/Linux 12", Simulated = true },
            Software = "0.1.0",
            PublicKey = publicKey,
            PasswordHash = PasswordHash,
            TokenId = tokenId,
            TokenProof = proof,
        };
    }

    /// <summary><paramref name="message"/> in the signed form, signed by this node's key.</summary>
    public byte[] Sign<T>(T message)
        where T : class, IWireMessage
    {
        var bytes = WireCodec.Encode(message);
        return SignedPayloadCodec.Format(bytes, EcdsaP256.Sign(Key, bytes));
    }

    /// <inheritdoc />
    public void Dispose() => Key.Dispose();
}
