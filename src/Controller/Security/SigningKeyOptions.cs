namespace SmartLoudspeaker.Controller.Security;

/// <summary>One Controller signing key and its root-signed certificate (an entry of "Security:SigningKeys").</summary>
public sealed class SigningKeyOptions
{
    /// <summary>The private key, PKCS#8 PEM.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Its certificate, in the signed two-line wire form.</summary>
    public string? CertificateFile { get; set; }
}
