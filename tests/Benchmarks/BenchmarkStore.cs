using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Options;
using SmartLoudspeaker.Controller.Store;

namespace SmartLoudspeaker.Benchmarks;

/// <summary>The controller's real store, opened in a fresh folder with the given options.</summary>
internal static class BenchmarkStore
{
    public static LiteDbFleetStore Open(string folder, StoreOptions options)
    {
        Directory.CreateDirectory(folder);
        options.DataDirectory = folder;
        return new LiteDbFleetStore(
            Microsoft.Extensions.Options.Options.Create(options),
            new StoreFileSystem(),
            new ControllerMetrics(),
            TimeProvider.System,
            NullLogger<LiteDbFleetStore>.Instance);
    }

    /// <summary>Bytes of the store's files (database, LiteDB log, journal).</summary>
    public static long Size(string folder) => Directory.EnumerateFiles(folder).Sum(file => new FileInfo(file).Length);
}
