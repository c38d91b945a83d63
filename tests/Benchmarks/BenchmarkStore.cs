using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Commands.Storage;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Benchmarks;

/// <summary>The controller's real store engine, with the features it registers, opened in a fresh folder with the given options.</summary>
internal sealed class BenchmarkStore : IDisposable
{
    private readonly StoreEngine _engine;

    private BenchmarkStore(StoreEngine engine, StoreOptions options)
    {
        _engine = engine;
        Fleet = new FleetRepository(engine, Microsoft.Extensions.Options.Options.Create(options), NullLogger<FleetRepository>.Instance);
    }

    /// <summary>The fleet's repository over the engine: what ingest writes through.</summary>
    public FleetRepository Fleet { get; }

    public static BenchmarkStore Open(string folder, StoreOptions options)
    {
        Directory.CreateDirectory(folder);
        options.DataDirectory = folder;
        return new BenchmarkStore(
            new StoreEngine(
                Microsoft.Extensions.Options.Options.Create(options),
                [new FleetSchema(), new CommandSchema()],
                new StoreFileSystem(),
                new ControllerMetrics(),
                TimeProvider.System,
                NullLogger<StoreEngine>.Instance),
            options);
    }

    /// <summary>Bytes of the store's files (database, LiteDB log, journal).</summary>
    public static long Size(string folder) => Directory.EnumerateFiles(folder).Sum(file => new FileInfo(file).Length);

    public void Dispose() => _engine.Dispose();
}
