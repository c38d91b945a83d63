using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Options;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// Aggregates complete hours of raw health and prunes what is past retention. Ticks on the injected
/// <see cref="TimeProvider"/>, so tests drive it with a fake clock; the decision is <see cref="RetentionPlanner.Plan"/>.
/// </summary>
internal sealed class StoreMaintenance : BackgroundService
{
    private readonly IFleetStore _store;
    private readonly StoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<StoreMaintenance> _logger;

    public StoreMaintenance(IFleetStore store, IOptions<StoreOptions> options, TimeProvider timeProvider, ILogger<StoreMaintenance> logger)
    {
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Raised after each run with the instant it judged and what it did (tests wait on it).</summary>
    public event Action<DateTimeOffset, RetentionPlan>? Maintained;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.MaintenanceInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    private async Task RunOnceAsync()
    {
        var now = _timeProvider.GetUtcNow();
        try
        {
            var plan = await _store.MaintainAsync(now);
            if (plan.AggregateHours.Count > 0)
            {
                _logger.LogInformation(
                    "Health aggregated for {Hours} hours up to {Until:o}; raw kept from {RawCutoff:o}",
                    plan.AggregateHours.Count,
                    plan.AggregateHours[^1].AddHours(1),
                    plan.PruneRawBefore);
            }

            Maintained?.Invoke(now, plan);
        }
        catch (Exception exception) when (exception is IOException or LiteDB.LiteException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.LogWarning("Store maintenance failed; it runs again at the next tick: {Message}", exception.Message);
        }
    }
}
