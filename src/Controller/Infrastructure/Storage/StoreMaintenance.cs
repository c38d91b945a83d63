using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// Runs every feature's maintenance (<see cref="IStoreMaintenance"/>: the fleet's aggregation and health retention,
/// the command log's retention…) at each tick of <c>Store:MaintenanceInterval</c> on the injected
/// <see cref="TimeProvider"/>, so tests drive it with a fake clock. One feature's failure does not keep the others
/// from running; each is tried again at the next tick.
/// </summary>
internal sealed class StoreMaintenance : BackgroundService
{
    private readonly IReadOnlyList<IStoreMaintenance> _contributions;
    private readonly StoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<StoreMaintenance> _logger;

    public StoreMaintenance(IEnumerable<IStoreMaintenance> contributions, IOptions<StoreOptions> options, TimeProvider timeProvider, ILogger<StoreMaintenance> logger)
    {
        _contributions = contributions.ToArray();
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Raised after each run with the instant it judged (tests wait on it).</summary>
    public event Action<DateTimeOffset>? Maintained;

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

    /// <summary>One run of every contribution for the clock's present instant; the timer calls it at each tick.</summary>
    public async Task RunOnceAsync()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var contribution in _contributions)
        {
            try
            {
                await contribution.MaintainAsync(now);
            }
            catch (Exception exception) when (exception is IOException or LiteDB.LiteException or ObjectDisposedException or InvalidOperationException)
            {
                _logger.LogWarning("Store maintenance ({Feature}) failed; it runs again at the next tick: {Message}", contribution.GetType().Name, exception.Message);
            }
        }

        Maintained?.Invoke(now);
    }
}
