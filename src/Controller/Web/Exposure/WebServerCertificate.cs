using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// The certificate the web UI's HTTPS endpoints present: the commune's own (Exposure:Https:CertificateFile and
/// KeyFile), or <c>web-server.pem</c>/<c>web-server.key</c> generated in the data folder and issued by the broker's CA
/// (<see cref="BrokerCertificateFiles"/>): one CA for the commune to trust, on the nodes and on the staff's phones,
/// that outlives every renewal of the server certificates. Kestrel asks for it on every TLS handshake, which is when a
/// generated certificate close to its end is renewed, so a Controller that runs for years keeps a valid one.
/// Loaded at start when an https:// address is configured, so that a first start generates it and says so.
/// </summary>
internal sealed class WebServerCertificate : IHostedService, IDisposable
{
    /// <summary>The generated certificate, in the data folder.</summary>
    public const string CertificateFile = "web-server.pem";

    /// <summary>Its private key (0600).</summary>
    public const string KeyFile = "web-server.key";

    private readonly IOptions<ExposureOptions> _exposure;
    private readonly IOptions<StoreOptions> _store;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly ILogger<WebServerCertificate> _logger;
    private readonly Lock _gate = new();
    private RenewingCertificate? _certificate;

    public WebServerCertificate(
        IOptions<ExposureOptions> exposure, IOptions<StoreOptions> store, IConfiguration configuration, TimeProvider time, ILogger<WebServerCertificate> logger)
    {
        // Options are read when first needed, not here: Kestrel's options (which take this) are built with the
        // application, before SettingsCheck reports an invalid setting in its one line.
        _exposure = exposure;
        _store = store;
        _configuration = configuration;
        _time = time;
        _logger = logger;
    }

    private ExposureHttpsOptions HttpsSettings => _exposure.Value.Https;

    private string Folder => Path.GetFullPath(_store.Value.DataDirectory);

    /// <summary>Whether the certificate is generated (and renewed) here, rather than the commune's own.</summary>
    public bool IsGenerated => string.IsNullOrWhiteSpace(HttpsSettings.CertificateFile);

    /// <summary>The names a generated certificate carries: the configured ones, or this machine's.</summary>
    public IReadOnlyList<string> HostNames => HttpsSettings.HostNames.Count > 0 ? [.. HttpsSettings.HostNames.Select(name => name.Trim())] : MachineNames.All();

    /// <summary>The certificate for a handshake now: loaded (or generated) on first use, renewed when close to its end.</summary>
    public X509Certificate2 Current()
    {
        lock (_gate)
        {
            if (_certificate is null)
            {
                var certificate = new RenewingCertificate("the web UI's HTTPS certificate", Folder, IsGenerated ? Generate : null, _time, _logger);
                certificate.Set(IsGenerated ? Generate() : LoadOwn());
                _certificate = certificate;
            }
        }

        return _certificate.Current();
    }

    /// <summary>
    /// Sets an HTTPS endpoint up: TLS 1.2 or 1.3; a generated certificate asked for on every handshake (so a renewal
    /// takes effect without a restart), the commune's own with the intermediates that follow it in its file.
    /// </summary>
    public void Configure(HttpsConnectionAdapterOptions https)
    {
        ArgumentNullException.ThrowIfNull(https);
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        if (IsGenerated)
        {
            https.ServerCertificateSelector = (_, _) => Current();
            return;
        }

        https.ServerCertificate = Current();
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(HttpsSettings.CertificateFile!);
        https.ServerCertificateChain = [.. chain.Skip(1)];
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (ListenAddresses.Configured(_configuration).Any(address => ListenAddresses.IsHttps(address.Url)))
        {
            try
            {
                _ = Current();
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                _logger.LogCritical("The web UI's HTTPS endpoint cannot start: {Reason}", exception.Message);
                throw;
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (_gate)
        {
            _certificate?.Dispose();
        }
    }

    private X509Certificate2 Generate() =>
        BrokerCertificateFiles.EnsureServerCertificate(Folder, CertificateFile, KeyFile, "the web UI's HTTPS certificate", HostNames, _time.GetUtcNow(), _logger);

    private X509Certificate2 LoadOwn()
    {
        var certificate = BrokerCertificateFiles.TryLoad(HttpsSettings.CertificateFile!, HttpsSettings.KeyFile!) ?? throw new InvalidOperationException(
            $"Exposure:Https:CertificateFile {HttpsSettings.CertificateFile} and Exposure:Https:KeyFile {HttpsSettings.KeyFile} must be PEM files holding a certificate and its private key.");
        if (new DateTimeOffset(certificate.NotAfter) - _time.GetUtcNow() < BrokerCertificateAuthority.RenewBefore)
        {
            // The commune's CA (or its ACME client) renews this one; the Controller can only say so while there is time.
            _logger.LogWarning(
                "The web UI's HTTPS certificate {File} ends on {NotAfter:u}: browsers refuse it from then on; replace the file and restart",
                HttpsSettings.CertificateFile, certificate.NotAfter.ToUniversalTime());
        }

        _logger.LogInformation("The web UI's HTTPS endpoints present {Subject} from {File}", certificate.Subject, HttpsSettings.CertificateFile);
        return certificate;
    }
}
