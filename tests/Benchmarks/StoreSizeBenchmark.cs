using System.Diagnostics;
using System.Globalization;
using LiteDB;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Benchmarks;

/// <summary>
/// Store size of health history: 100 nodes × 1 day of raw reports every 30 s (288,000 reports), then the same day
/// aggregated hourly with the raw reports pruned. Each collection is measured compacted, by copying its documents and
/// its index into a fresh file (LiteDB 5.0.20's own Rebuild fails here with "Detected loop in FindAll"), minus the
/// size of that fresh file empty. Extrapolated linearly per 1,000 node-days (documents are independent).
/// </summary>
internal static class StoreSizeBenchmark
{
    private const int Nodes = 100;
    private const int ReportsPerDay = 2880;

    public static async Task<string> RunAsync(string scratch)
    {
        var folder = Path.Combine(scratch, "size");
        var day = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(42);
        var options = new StoreOptions { RawHealthRetention = TimeSpan.FromHours(2), AggregateRetention = TimeSpan.FromDays(400) };
        var clock = Stopwatch.StartNew();
        using (var store = BenchmarkStore.Open(folder, options))
        {
            var writes = new List<Task>();
            for (var report = 0; report < ReportsPerDay; report++)
            {
                for (var node = 0; node < Nodes; node++)
                {
                    writes.Add(store.Fleet.AppendHealthAsync(new HealthRecord($"thon-{node}-nha-van-hoa", day.AddSeconds(30 * report + node * 0.01), Health(random, report))));
                }

                if (writes.Count >= 10_000)
                {
                    await Task.WhenAll(writes);
                    writes.Clear();
                }
            }

            await Task.WhenAll(writes);
        }

        var insertSeconds = clock.Elapsed.TotalSeconds;
        var rawBytes = Compacted(folder, FleetCollections.Health, scratch);

        clock.Restart();
        int hours;
        using (var store = BenchmarkStore.Open(folder, options))
        {
            // One run aggregates at most a day; the instant is past the raw window, so the raw day is pruned after.
            var plan = await store.Fleet.MaintainAsync(day.AddDays(1).AddHours(3));
            hours = plan.AggregateHours.Count;
            var page = store.Fleet.HourlyBetween("thon-7-nha-van-hoa", day, day.AddDays(1), 100);
            if (page.Count != 24 || page[0].Samples != 120)
            {
                throw new InvalidOperationException($"aggregation produced {page.Count} hours, first with {(page.Count > 0 ? page[0].Samples : 0)} samples; expected 24 × 120");
            }
        }

        var aggregateSeconds = clock.Elapsed.TotalSeconds;
        var aggregateBytes = Compacted(folder, FleetCollections.HealthHourly, scratch);
        double perNodeDayRaw = rawBytes / (double)Nodes, perNodeDayHourly = aggregateBytes / (double)Nodes;
        var steady = (1000 * 2 * perNodeDayRaw) + (1000 * 400 * perNodeDayHourly);
        return string.Create(CultureInfo.InvariantCulture, $"""
            ### Health history size

            Synthetic load: {Nodes} nodes × 1 day × a report every 30 s = {Nodes * ReportsPerDay:N0} raw reports (~330-byte JSON each),
            written through the store's writer in {insertSeconds:F1} s; then {hours} hours aggregated and the raw day pruned in {aggregateSeconds:F1} s.
            Sizes are of each collection with its index, copied into a fresh LiteDB file (compacted), minus that file empty.

            | what | measured for {Nodes} node-days | per 1,000 node-days |
            |---|---:|---:|
            | raw reports | {rawBytes / 1048576.0:F1} MiB | {perNodeDayRaw * 1000 / 1048576.0:F0} MiB |
            | hourly aggregates (raw pruned) | {aggregateBytes / 1048576.0:F2} MiB | {perNodeDayHourly * 1000 / 1048576.0:F1} MiB |

            Steady state for 1,000 nodes with the defaults (raw 48 h = 2,000 node-days, aggregates 400 days = 400,000 node-days):
            ≈ {steady / 1073741824.0:F2} GiB, against ≈ {perNodeDayRaw * 1000 * 30 / 1073741824.0:F1} GiB for 30 days of raw reports alone.

            """);
    }

    private static long Compacted(string folder, string collection, string scratch)
    {
        var copies = Path.Combine(scratch, "copy-" + collection);
        Directory.CreateDirectory(copies);
        var emptyPath = Path.Combine(copies, "empty.db");
        var copyPath = Path.Combine(copies, "copy.db");
        using (var empty = new LiteDatabase(new ConnectionString { Filename = emptyPath, Connection = ConnectionType.Direct }))
        {
            empty.GetCollection(collection).EnsureIndex("at", "$.at");
        }

        using (var source = new LiteDatabase(new ConnectionString { Filename = Path.Combine(folder, "controller.db"), Connection = ConnectionType.Direct }))
        using (var copy = new LiteDatabase(new ConnectionString { Filename = copyPath, Connection = ConnectionType.Direct }))
        {
            var target = copy.GetCollection(collection);
            target.EnsureIndex("at", "$.at");
            foreach (var chunk in source.GetCollection(collection).FindAll().Chunk(5000))
            {
                target.Insert(chunk);
            }
        }

        return new FileInfo(copyPath).Length - new FileInfo(emptyPath).Length;
    }

    private static NodeHealth Health(Random random, int report) => new()
    {
        Seq = report % 256,
        BdSeq = 1,
        Ts = DateTimeOffset.UtcNow,
        UptimeSeconds = 30L * report,
        Cpu = new CpuHealth { TempC = 45 + (random.NextDouble() * 20), Load1 = random.NextDouble() * 2, Load5 = random.NextDouble() },
        Memory = new MemoryHealth { TotalMb = 3800, AvailableMb = 2500 + random.Next(500), DiskTotalMb = 29_000, DiskFreeMb = 20_000 - random.Next(100) },
        Link = new LinkHealth { Type = LinkType.Cellular, SignalDbm = -60 - random.Next(40), Broker = 0, Connections = 1 },
        Clock = new ClockHealth { Synced = random.NextDouble() > 0.02, Source = "ntp", OffsetMs = random.NextDouble() },
    };
}
