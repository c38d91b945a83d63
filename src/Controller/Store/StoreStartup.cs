namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// Opens the store before anything else starts (it is the first hosted service), so a refused or damaged store is
/// dealt with before the broker accepts a node's message.
/// </summary>
internal sealed class StoreStartup : IHostedService
{
    private readonly IServiceProvider _services;

    public StoreStartup(IServiceProvider services)
    {
        _services = services;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = _services.GetRequiredService<IFleetStore>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
