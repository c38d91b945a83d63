using System.Buffers.Text;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>What the root signs: certificates for Controller signing keys and revocation lists.</summary>
internal static class KeyIssuer
{
    /// <summary>
    /// A certificate may start this much before the moment it is issued: the offline machine that issues it and the
    /// Controller that uses it keep separate clocks, and a certificate that starts "in the future" by a few minutes
    /// would make nodes refuse the first commands with key-not-valid.
    /// </summary>
    public static readonly TimeSpan BackdateBy = TimeSpan.FromHours(1);

    /// <summary>The signed certificate payload for <paramref name="publicKey"/>, valid from now (minus <see cref="BackdateBy"/>) for <paramref name="validity"/>.</summary>
    public static byte[] Certify(PayloadSigner root, string kid, ReadOnlySpan<byte> publicKey, DateTimeOffset now, TimeSpan validity)
    {
        ArgumentNullException.ThrowIfNull(root);
        var certificate = new KeyCertificate
        {
            Kid = kid,
            PublicKey = Base64Url.EncodeToString(publicKey),
            NotBefore = now - BackdateBy,
            NotAfter = now + validity,
        };
        var problem = certificate.FindProblem();
        return problem is null ? root.Sign(certificate) : throw new ArgumentException($"Cannot certify key '{kid}': {problem}.", nameof(kid));
    }

    /// <summary>The signed revocation list payload.</summary>
    public static byte[] Revoke(PayloadSigner root, IReadOnlyList<string> kids, long serial, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(root);
        var list = new KeyRevocationList { Serial = serial, IssuedAt = now, RevokedKids = kids };
        var problem = list.FindProblem();
        return problem is null ? root.Sign(list) : throw new ArgumentException($"Cannot issue the revocation list: {problem}.", nameof(kids));
    }
}
