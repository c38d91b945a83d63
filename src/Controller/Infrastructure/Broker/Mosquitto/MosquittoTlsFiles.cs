using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Mosquitto;

/// <summary>
/// The TLS listener of the generated <c>mosquitto.conf</c> (<c>Broker:Tls</c>, as the embedded broker's): the server
/// certificate and key, and the CA when it is the Controller's own, copied beside <c>passwd</c> and <c>acl</c> with
/// the same owner-and-group permissions, so the group Mosquitto runs in can read them while the CA's private key and
/// the data folder stay the Controller's alone. The generated certificate is made (or renewed, when it ends within
/// 30 days or its names changed) in the data folder first, exactly as the embedded broker does.
/// </summary>
internal static class MosquittoTlsFiles
{
    /// <summary>The CA certificate Mosquitto names (the Controller's generated CA only).</summary>
    public const string AuthorityFileName = BrokerCertificateFiles.AuthorityCertificateFile;

    /// <summary>The server certificate Mosquitto presents.</summary>
    public const string ServerCertificateFileName = BrokerCertificateFiles.ServerCertificateFile;

    /// <summary>Its private key.</summary>
    public const string ServerKeyFileName = BrokerCertificateFiles.ServerKeyFile;

    /// <summary>
    /// Copies the certificate files into <paramref name="folder"/> and returns the listener's lines; none when
    /// <c>Broker:Tls:Enabled</c> is false.
    /// </summary>
    /// <exception cref="IOException">A certificate file cannot be read or written.</exception>
    /// <exception cref="UnauthorizedAccessException">A certificate file may not be read or written.</exception>
    /// <exception cref="InvalidOperationException">The generated CA in the data folder is unusable (the message says what to do).</exception>
    public static IReadOnlyList<string> Write(string folder, BrokerTlsOptions tls, string dataFolder, DateTimeOffset now, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (!tls.Enabled)
        {
            return [];
        }

        var full = Path.GetFullPath(folder);
        string? authority = null;
        string certificate, key;
        if (string.IsNullOrWhiteSpace(tls.CertificateFile))
        {
            var data = Path.GetFullPath(dataFolder);
            using var issued = BrokerCertificateFiles.EnsureServerCertificate(data, BrokerCertificateAuthority.HostNamesFor(tls), now, logger);
            authority = Copy(Path.Combine(data, BrokerCertificateFiles.AuthorityCertificateFile), full, AuthorityFileName);
            (certificate, key) = (Path.Combine(data, BrokerCertificateFiles.ServerCertificateFile), Path.Combine(data, BrokerCertificateFiles.ServerKeyFile));
        }
        else
        {
            // A commune's own certificate is issued directly by its CA, which its nodes hold: Mosquitto needs no CA file
            // to present it, and asks no client for a certificate.
            (certificate, key) = (tls.CertificateFile, tls.KeyFile!);
        }

        return MosquittoTlsListener.Lines(
            tls.Port, authority, Copy(certificate, full, ServerCertificateFileName), Copy(key, full, ServerKeyFileName));
    }

    private static string Copy(string source, string folder, string name)
    {
        var target = Path.Combine(folder, name);
        PrivateFile.Replace(target, File.ReadAllBytes(source), PrivateFile.OwnerAndGroupRead);
        return target;
    }
}
