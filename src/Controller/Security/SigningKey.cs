using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>A Controller signing key with its root-signed certificate, as loaded at start.</summary>
/// <param name="Signer">Signs with the key under the certificate's key id.</param>
/// <param name="Certificate">The certificate, parsed.</param>
/// <param name="CertificatePayload">The certificate exactly as signed by the root, what is published retained.</param>
internal sealed record SigningKey(PayloadSigner Signer, KeyCertificate Certificate, byte[] CertificatePayload)
{
    /// <summary>True when the certificate covers <paramref name="now"/>.</summary>
    public bool CoversAt(DateTimeOffset now) => now >= Certificate.NotBefore && now <= Certificate.NotAfter;
}
