using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

/// <summary>
/// The generated CA and server certificate in the Controller's data folder: <c>broker-ca.pem</c> (what nodes pin,
/// and what <c>mosquitto_sub --cafile</c> takes), <c>broker-ca.key</c>, <c>broker-server.pem</c> and
/// <c>broker-server.key</c>. Private keys are written readable by their owner only (0600), each file through a
/// temporary file, fsync and rename, so a power cut leaves the old file or the new one, never half of one.
/// </summary>
internal static class BrokerCertificateFiles
{
    /// <summary>The CA certificate nodes pin (<c>Node:BrokerCaFile</c>).</summary>
    public const string AuthorityCertificateFile = "broker-ca.pem";

    /// <summary>The CA's private key; it signs server certificates and never leaves this folder.</summary>
    public const string AuthorityKeyFile = "broker-ca.key";

    /// <summary>The broker's server certificate.</summary>
    public const string ServerCertificateFile = "broker-server.pem";

    /// <summary>Its private key.</summary>
    public const string ServerKeyFile = "broker-server.key";

    /// <summary>
    /// Returns the server certificate (with its key) in <paramref name="folder"/>, making what is missing first: the
    /// CA on the very first start, and a new server certificate when there is none, it does not name exactly
    /// <paramref name="hostNames"/>, it is not the CA's, or it ends within <see cref="BrokerCertificateAuthority.RenewBefore"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A CA file exists but is unusable: a new CA would lock out every node that pins the old one.</exception>
    public static X509Certificate2 EnsureServerCertificate(string folder, IReadOnlyList<string> hostNames, DateTimeOffset now, ILogger logger) =>
        EnsureServerCertificate(folder, ServerCertificateFile, ServerKeyFile, "the broker's TLS server certificate", hostNames, now, logger);

    /// <summary>
    /// As <see cref="EnsureServerCertificate(string, IReadOnlyList{string}, DateTimeOffset, ILogger)"/>, for another
    /// server of this machine signed by the same CA (the web UI's HTTPS), in <paramref name="certificateFile"/> and
    /// <paramref name="keyFile"/> of <paramref name="folder"/>; <paramref name="purpose"/> names it in the log.
    /// </summary>
    public static X509Certificate2 EnsureServerCertificate(
        string folder, string certificateFile, string keyFile, string purpose, IReadOnlyList<string> hostNames, DateTimeOffset now, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        Directory.CreateDirectory(folder);
        using var authority = LoadOrCreateAuthority(folder, now, logger);
        var certificatePath = Path.Combine(folder, certificateFile);
        var keyPath = Path.Combine(folder, keyFile);
        var existing = TryLoad(certificatePath, keyPath);
        var reason = existing is null ? "there was none"
            : !IssuedBy(existing, authority) ? "it was not signed by the CA in " + AuthorityCertificateFile
            : !BrokerCertificateAuthority.NamesExactly(existing, hostNames) ? "the host names changed"
            : now >= new DateTimeOffset(existing.NotAfter) - BrokerCertificateAuthority.RenewBefore ? "it ends on " + existing.NotAfter.ToUniversalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture)
            : null;
        if (reason is null)
        {
            return existing!;
        }

        existing?.Dispose();
        var issued = BrokerCertificateAuthority.IssueServer(authority, hostNames, now - BrokerCertificateAuthority.Backdate, now + BrokerCertificateAuthority.ServerValidity);
        WritePrivate(keyPath, issued.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        DurableFile.Replace(certificatePath, Encoding.ASCII.GetBytes(issued.ExportCertificatePem() + "\n"));
        logger.LogWarning(
            "Generated {Purpose} for {HostNames}, valid until {NotAfter:u} ({Reason}), in {Folder}",
            purpose, string.Join(", ", hostNames), issued.NotAfter.ToUniversalTime(), reason, folder);
        return issued;
    }

    /// <summary>Loads a certificate and its private key from PEM files; null when either is missing or unusable.</summary>
    public static X509Certificate2? TryLoad(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> readable by its owner only, atomically and durably.</summary>
    public static void WritePrivate(string path, string text)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(text + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DurableFile.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private static X509Certificate2 LoadOrCreateAuthority(string folder, DateTimeOffset now, ILogger logger)
    {
        var certificatePath = Path.Combine(folder, AuthorityCertificateFile);
        var keyPath = Path.Combine(folder, AuthorityKeyFile);
        if (File.Exists(certificatePath) || File.Exists(keyPath))
        {
            return TryLoad(certificatePath, keyPath) ?? throw new InvalidOperationException(
                $"The broker CA in {folder} is unusable: {AuthorityCertificateFile} and {AuthorityKeyFile} must both be there and belong together. "
                + "Nodes pin this CA, so it is not replaced by a new one: restore both files from a backup, or delete both to make a new CA "
                + "and copy the new broker-ca.pem to every node (Node:BrokerCaFile).");
        }

        var authority = BrokerCertificateAuthority.CreateAuthority(now);
        WritePrivate(keyPath, authority.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        DurableFile.Replace(certificatePath, Encoding.ASCII.GetBytes(authority.ExportCertificatePem() + "\n"));
        logger.LogWarning(
            "Generated the broker's TLS CA, valid until {NotAfter:u}: copy {CaFile} to every node (Node:BrokerCaFile)",
            authority.NotAfter.ToUniversalTime(), certificatePath);
        return authority;
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate);
    }
}
