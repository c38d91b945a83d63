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
    private readonly Lock _gate = new();
    private X509Certificate2? _current;
    private DateTimeOffset _nextRenewalAttempt;

    // The one replaced last: a handshake that took it just before the renewal may still be using it.
    private X509Certificate2? _previous;

    /// <summary>Created by dependency injection; nothing is read or written until <see cref="Load"/>.</summary>
    public BrokerServerCertificate(IOptions<BrokerOptions> broker, IOptions<StoreOptions> store, TimeProvider time, ILogger<BrokerServerCertificate> logger)
    {
        _options = broker.Value.Tls;
        _folder = Path.GetFullPath(store.Value.DataDirectory);
        _time = time;
        _logger = logger;
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

        lock (_gate)
        {
            Swap(certificate);
        }
    }

    /// <inheritdoc />
    public X509Certificate2 GetCertificate()
    {
        lock (_gate)
        {
            var current = _current ?? throw new InvalidOperationException("The broker certificate is not loaded.");
            var now = _time.GetUtcNow();
            if (IsGenerated && now >= new DateTimeOffset(current.NotAfter) - BrokerCertificateAuthority.RenewBefore && now >= _nextRenewalAttempt)
            {
                try
                {
                    Swap(Generate());
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    // The current certificate is still valid for up to 30 days: keep serving it, and try again in an
                    // hour rather than on every connection.
                    _nextRenewalAttempt = now + TimeSpan.FromHours(1);
                    _logger.LogError(
                        "Cannot renew the broker's TLS certificate (it ends on {NotAfter:u}) in {Folder}: {Reason}; trying again in an hour",
                        current.NotAfter.ToUniversalTime(), _folder, exception.Message);
                }
            }

            return _current!;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _previous?.Dispose();
            _current?.Dispose();
            _previous = _current = null;
        }
    }

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

    private void Swap(X509Certificate2 next)
    {
        _previous?.Dispose();
        _previous = _current;
        _current = next;
    }
}
