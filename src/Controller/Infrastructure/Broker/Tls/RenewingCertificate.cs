using System.Security.Cryptography.X509Certificates;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

/// <summary>
/// The certificate a TLS listener presents, asked for on every handshake: a generated one is renewed from then on when
/// it comes within <see cref="BrokerCertificateAuthority.RenewBefore"/> of its end, so a Controller that runs for years
/// without a restart keeps a valid one; a failed renewal keeps the current one and waits an hour before the next try.
/// Shared by the broker's TLS listener and the web UI's HTTPS.
/// </summary>
internal sealed class RenewingCertificate : IDisposable
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromHours(1);

    private readonly string _what;
    private readonly string _folder;
    private readonly Func<X509Certificate2>? _renew;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private X509Certificate2? _current;
    private DateTimeOffset _nextRenewalAttempt;

    // The one replaced last: a handshake that took it just before the renewal may still be using it.
    private X509Certificate2? _previous;

    /// <param name="what">How log lines name it ("the broker's TLS certificate").</param>
    /// <param name="folder">Where a generated one lives (for the log).</param>
    /// <param name="renew">Makes a new one; null for the commune's own, which only its CA can renew.</param>
    public RenewingCertificate(string what, string folder, Func<X509Certificate2>? renew, TimeProvider time, ILogger logger)
    {
        _what = what;
        _folder = folder;
        _renew = renew;
        _time = time;
        _logger = logger;
    }

    public bool IsLoaded
    {
        get
        {
            lock (_gate)
            {
                return _current is not null;
            }
        }
    }

    /// <summary>Presents <paramref name="certificate"/> from now on.</summary>
    public void Set(X509Certificate2 certificate)
    {
        lock (_gate)
        {
            _previous?.Dispose();
            _previous = _current;
            _current = certificate;
        }
    }

    /// <summary>The certificate for a handshake now, renewed first when close to its end.</summary>
    /// <exception cref="InvalidOperationException">None was set.</exception>
    public X509Certificate2 Current()
    {
        lock (_gate)
        {
            var current = _current ?? throw new InvalidOperationException($"The certificate ({_what}) is not loaded.");
            var now = _time.GetUtcNow();
            if (_renew is not null && now >= new DateTimeOffset(current.NotAfter) - BrokerCertificateAuthority.RenewBefore && now >= _nextRenewalAttempt)
            {
                try
                {
                    Set(_renew());
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    // The current certificate is still valid for up to 30 days: keep serving it, and try again in an
                    // hour rather than on every handshake.
                    _nextRenewalAttempt = now + RetryAfterFailure;
                    _logger.LogError(
                        "Cannot renew {What} (it ends on {NotAfter:u}) in {Folder}: {Reason}; trying again in an hour",
                        _what, current.NotAfter.ToUniversalTime(), _folder, exception.Message);
                }
            }

            return _current!;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _previous?.Dispose();
            _current?.Dispose();
            _previous = _current = null;
        }
    }
}
