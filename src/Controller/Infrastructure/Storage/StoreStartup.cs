namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// Opens the store before anything else starts (it is the first hosted service), so a refused or damaged store is
/// dealt with before the broker accepts a node's message; and closes it once everything else has stopped.
/// </summary>
/// <remarks>
/// Closing here rather than only when the container is disposed matters: a host stopped from two threads at once
/// (WebApplicationFactory stops it while the program's own <c>Run</c> does too) has each caller wait on
/// <see cref="StoppedAsync"/>, whereas the second caller of a container's disposal returns while the first is still
/// disposing. So whoever stops the host knows the store is closed and its lock released when that call returns.
/// </remarks>
internal sealed class StoreStartup : IHostedLifecycleService
{
    private readonly IServiceProvider _services;
    private StoreEngine? _store;

    public StoreStartup(IServiceProvider services)
    {
        _services = services;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _store = _services.GetRequiredService<StoreEngine>();
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after every hosted service (the web server included) has stopped: drains, checkpoints, closes, unlocks.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _store?.Dispose();
        return Task.CompletedTask;
    }
}
