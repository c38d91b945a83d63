using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartLoudspeaker.Node.Configuration;

/// <summary>
/// Reads the pinned broker CA (<c>Node:BrokerCaFile</c>): the certificate as PEM (what the Controller writes in
/// <c>broker-ca.pem</c>) or DER. It must be a CA certificate, so that pinning a server certificate by mistake is
/// refused at start rather than found at the first connection.
/// </summary>
internal static class BrokerCa
{
    /// <summary>The DER certificate in the file at <paramref name="path"/>, or null with the problem.</summary>
    public static byte[]? ReadFile(string path, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"cannot read '{path}': {exception.Message}";
            return null;
        }

        return Check(content, out problem);
    }

    /// <summary>The DER certificate in <paramref name="content"/> (PEM or DER), or null with the problem.</summary>
    public static byte[]? Check(byte[] content, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(content);
        try
        {
            using var certificate = content is [0x30, ..]
                ? X509CertificateLoader.LoadCertificate(content)
                : X509Certificate2.CreateFromPem(System.Text.Encoding.UTF8.GetString(content));
            if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                problem = $"'{certificate.Subject}' is not a CA certificate (pin the CA that issued the broker's certificate, not the broker's own)";
                return null;
            }

            problem = null;
            return certificate.RawData;
        }
        catch (CryptographicException exception)
        {
            problem = "not an X.509 certificate in PEM or DER: " + exception.Message;
            return null;
        }
    }
}
