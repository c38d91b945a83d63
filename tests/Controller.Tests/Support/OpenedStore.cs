using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Commands.Storage;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Identity.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Zones.Storage;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// The store engine opened outside a host, with the features the Controller registers and their repositories over
/// it, for tests that open, crash and close the store directly.
/// </summary>
internal sealed class OpenedStore : IDisposable
{
    private OpenedStore(StoreEngine engine, StoreOptions options)
    {
        Engine = engine;
        Fleet = new FleetRepository(engine, Microsoft.Extensions.Options.Options.Create(options), NullLogger<FleetRepository>.Instance);
        Commands = new CommandRepository(engine, Microsoft.Extensions.Options.Options.Create(options), NullLogger<CommandRepository>.Instance);
        Identities = new IdentityRepository(engine, NullLogger<IdentityRepository>.Instance);
        Zones = new ZoneRepository(engine, NullLogger<ZoneRepository>.Instance);
    }

    public StoreEngine Engine { get; }

    public FleetRepository Fleet { get; }

    public CommandRepository Commands { get; }

    public IdentityRepository Identities { get; }
    public ZoneRepository Zones { get; }

    public StoreStatus Status => Engine.Status;

    public static OpenedStore Open(StoreOptions options, StoreFileSystem? disk = null, TimeProvider? timeProvider = null) => new(
        new StoreEngine(
            Microsoft.Extensions.Options.Options.Create(options),
            [new FleetSchema(), new CommandSchema(), new ZoneSchema(), new IdentitySchema()],
            disk ?? new StoreFileSystem(),
            new ControllerMetrics(),
            timeProvider ?? TimeProvider.System,
            NullLogger<StoreEngine>.Instance),
        options);

    public void Dispose() => Engine.Dispose();
}
