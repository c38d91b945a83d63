namespace SmartLoudspeaker.Controller.Identity;

/// <summary>
/// Loads the enrolled identities into the broker's account directory, and stores the configured bootstrap tokens,
/// after the store opens and before the broker listens: an enrolled node is never refused for a directory not yet filled.
/// </summary>
internal sealed class IdentityStartup : IHostedService
{
    private readonly IServiceProvider _services;

    public IdentityStartup(IServiceProvider services)
    {
        _services = services;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _services.GetRequiredService<EnrolmentService>().Loaded.WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
