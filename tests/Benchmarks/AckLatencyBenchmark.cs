using System.Diagnostics;
using System.Globalization;
using System.Text;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Benchmarks;

/// <summary>
/// Time from handing an event to the store to the moment it may be acknowledged, for each durability point and a
/// few numbers of writers in flight (nodes sending at once). Each writer awaits its write before the next, as a
/// node awaits its EventAck.
/// </summary>
internal static class AckLatencyBenchmark
{
    private static readonly int[] Concurrency = [1, 8, 64, 256];

    public static async Task<string> RunAsync(string scratch, TimeSpan duration)
    {
        var table = new StringBuilder();
        table.AppendLine("| durability point | in flight | events/s | p50 ms | p99 ms | max ms |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var durability in new[] { StoreDurability.Commit, StoreDurability.Checkpoint, StoreDurability.Journal })
        {
            foreach (var inFlight in Concurrency)
            {
                var folder = Path.Combine(scratch, $"ack-{durability}-{inFlight}");
                var (rate, latencies) = await MeasureAsync(folder, durability, inFlight, duration);
                latencies.Sort();
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {durability} | {inFlight} | {rate:F0} | {Percentile(latencies, 0.50):F2} | {Percentile(latencies, 0.99):F2} | {latencies[^1]:F2} |");
                Console.WriteLine($"{durability,-10} {inFlight,4} in flight: {rate,8:F0}/s");
                Directory.Delete(folder, recursive: true);
            }
        }

        return "### Event acknowledgement latency and throughput\n\n" +
               $"Each run lasts {duration.TotalSeconds} s after a 0.5 s warm-up; events of ~200 bytes; `Store:MaxBatch` 512.\n\n" + table;
    }

    private static async Task<(double Rate, List<double> Latencies)> MeasureAsync(string folder, StoreDurability durability, int inFlight, TimeSpan duration)
    {
        using var store = BenchmarkStore.Open(folder, new StoreOptions { Durability = durability });
        var warmUpEnds = Stopwatch.GetTimestamp() + (long)(0.5 * Stopwatch.Frequency);
        var ends = warmUpEnds + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perWriter = new List<double>[inFlight];
        var writers = Enumerable.Range(0, inFlight).Select(writer => Task.Run(async () =>
        {
            var latencies = perWriter[writer] = [];
            var node = $"node-{writer}";
            for (var n = 0; ; n++)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= ends)
                {
                    return;
                }

                await store.Fleet.TryAddEventAsync(new EventRecord(node, DateTimeOffset.UtcNow, new NodeEvent
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Seq = n % 256,
                    BdSeq = 1,
                    Ts = DateTimeOffset.UtcNow,
                    Kind = "fault.raised",
                    Severity = EventSeverity.Warning,
                    Code = "overheat",
                    Text = "CPU above 80 °C",
                }));
                if (started >= warmUpEnds)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        })).ToArray();
        await Task.WhenAll(writers);
        var all = perWriter.SelectMany(latencies => latencies).ToList();
        return (all.Count / duration.TotalSeconds, all);
    }

    private static double Percentile(List<double> sorted, double share) => sorted[Math.Min(sorted.Count - 1, (int)(share * sorted.Count))];
}
