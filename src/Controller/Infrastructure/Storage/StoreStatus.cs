using SmartLoudspeaker.Controller.Infrastructure.Metrics;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// What /healthz and the metrics say about the store: whether the last write batch succeeded, and whether the store
/// started degraded (a damaged file moved aside). Written by the writer thread, read by anyone.
/// </summary>
internal sealed class StoreStatus
{
    private readonly ControllerMetrics _metrics;
    private volatile string? _writeFailure;
    private volatile string? _degraded;

    public StoreStatus(ControllerMetrics metrics)
    {
        _metrics = metrics;
        _metrics.StoreHealthy.Set(1);
    }

    /// <summary>True while writes succeed.</summary>
    public bool WritesSucceed => _writeFailure is null;

    /// <summary>Why the last write batch failed; null once one succeeds again.</summary>
    public string? WriteFailure => _writeFailure;

    /// <summary>Why the store started degraded (kept until the next start).</summary>
    public string? Degraded => _degraded;

    public void WriteFailed(string reason)
    {
        _writeFailure = reason;
        _metrics.StoreHealthy.Set(0);
        _metrics.StoreWriteFailures.Inc();
    }

    public void WriteSucceeded()
    {
        if (_writeFailure is not null)
        {
            _writeFailure = null;
            _metrics.StoreHealthy.Set(1);
        }
    }

    public void StartedDegraded(string reason)
    {
        _degraded = reason;
        _metrics.StoreDamaged.Set(1);
    }
}
