using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>
/// Marks silent nodes offline even when the broker has not noticed them gone (a 4G link that stalls without closing
/// keeps the TCP session up for minutes). Ticks on the injected <see cref="TimeProvider"/>, so tests drive it with a
/// fake clock; the decision itself is <see cref="Liveness.IsSilent"/>.
/// </summary>
internal sealed class FleetSweeper : BackgroundService
{
    private readonly FleetRegistry _fleet;
    private readonly FleetOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FleetSweeper> _logger;

    public FleetSweeper(FleetRegistry fleet, IOptions<FleetOptions> options, TimeProvider timeProvider, ILogger<FleetSweeper> logger)
    {
        _fleet = fleet;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Raised after each sweep with the instant it judged (tests wait on it).</summary>
    public event Action<DateTimeOffset>? Swept;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    private void Sweep()
    {
        var now = _timeProvider.GetUtcNow();
        // Store failures surface in the store's status and log; the in-memory view is judged regardless.
        foreach (var node in _fleet.Sweep(now, _options.OfflineAfterHeartbeats, _options.MaxHeartbeat))
        {
            _logger.LogWarning(
                "Node {NodeId} offline: silent since {LastSeen:o} ({Factor} × {Heartbeat} s heartbeat, stated {Stated} s)",
                node.Id,
                node.LastSeen,
                _options.OfflineAfterHeartbeats,
                Liveness.Believed(node.Heartbeat, _options.MaxHeartbeat).TotalSeconds,
                node.HeartbeatSeconds);
        }

        Swept?.Invoke(now);
    }
}
