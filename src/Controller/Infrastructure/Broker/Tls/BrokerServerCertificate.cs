using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using MQTTnet.Certificates;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

/// <summary>
/// The certificate the embedded broker's TLS listener presents: a commune's own (Broker:Tls:CertificateFile and
/// KeyFile), or the one generated in the data folder (<see cref="BrokerCertificateFiles"/>). MQTTnet asks for it on
/// every TLS connection, which is when a generated certificate close to its end is renewed, so a Controller that runs
/// for years without a restart keeps a valid one.
/// </summary>
public sealed class BrokerServerCertificate : ICertificateProvider, IDisposable
{
    private readonly BrokerTlsOptions _options;
    private readonly string _folder;
    private readonly TimeProvider _time;
    private readonly ILogger<BrokerServerCertificate> _logger;
    private readonly RenewingCertificate _certificate;

    /// <summary>Created by dependency injection; nothing is read or written until <see cref="Load"/>.</summary>
    public BrokerServerCertificate(IOptions<BrokerOptions> broker, IOptions<StoreOptions> store, TimeProvider time, ILogger<BrokerServerCertificate> logger)
    {
        _options = broker.Value.Tls;
        _folder = Path.GetFullPath(store.Value.DataDirectory);
        _time = time;
        _logger = logger;
        _certificate = new RenewingCertificate("the broker's TLS certificate", _folder, IsGenerated ? Generate : null, time, logger);
    }

    /// <summary>Whether the certificate is generated here (and renewed here), rather than the commune's own.</summary>
    public bool IsGenerated => string.IsNullOrWhiteSpace(_options.CertificateFile);

    /// <summary>The CA file nodes pin when the certificate is generated here.</summary>
    public string AuthorityFile => Path.Combine(_folder, BrokerCertificateFiles.AuthorityCertificateFile);

    /// <summary>The names a generated certificate carries: the configured ones, or the defaults.</summary>
    public IReadOnlyList<string> HostNames => BrokerCertificateAuthority.HostNamesFor(_options);

    /// <summary>Reads (or first makes) the certificate; called when the broker starts.</summary>
    /// <exception cref="InvalidOperationException">The certificate files are unusable (the message says which and what to do).</exception>
    public void Load()
    {
        X509Certificate2 certificate;
        try
        {
            certificate = IsGenerated ? Generate() : LoadOwn();
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            _logger.LogCritical("The embedded broker's TLS listener cannot start: {Reason}", exception.Message);
            throw;
        }

        _certificate.Set(certificate);
    }

    /// <inheritdoc />
    public X509Certificate2 GetCertificate() => _certificate.Current();

    /// <inheritdoc />
    public void Dispose() => _certificate.Dispose();

    private X509Certificate2 Generate() =>
        BrokerCertificateFiles.EnsureServerCertificate(_folder, HostNames, _time.GetUtcNow(), _logger);

    private X509Certificate2 LoadOwn()
    {
        var certificate = BrokerCertificateFiles.TryLoad(_options.CertificateFile!, _options.KeyFile!) ?? throw new InvalidOperationException(
            $"Broker:Tls:CertificateFile {_options.CertificateFile} and Broker:Tls:KeyFile {_options.KeyFile} must be PEM files holding a certificate and its private key.");
        var remaining = new DateTimeOffset(certificate.NotAfter) - _time.GetUtcNow();
        if (remaining < BrokerCertificateAuthority.RenewBefore)
        {
            // The commune's CA issues this one; the Controller cannot renew it, only say so while there is time.
            _logger.LogWarning(
                "The broker's TLS certificate {File} ends on {NotAfter:u}: nodes that trust their clock refuse it from then on; have the commune's CA issue a new one",
                _options.CertificateFile, certificate.NotAfter.ToUniversalTime());
        }

        _logger.LogInformation("The broker's TLS listener presents {Subject} from {File}", certificate.Subject, _options.CertificateFile);
        return certificate;
    }
}
