using System.Globalization;
using System.Text;
using SmartLoudspeaker.Benchmarks;
using SmartLoudspeaker.Benchmarks.Skew;

// Usage: SmartLoudspeaker.Benchmarks <results.md> [seconds per latency run] [live|guard|skew]
// With "live" as the third argument only the live-view benchmark runs (about a minute), e.g. on an older commit;
// with "guard" only the packet guard's (about half a minute); with "skew" only synchronised playout's.
// Writes a Markdown section of measured figures; scripts/benchmark.sh runs it in Release.
var output = args.Length > 0 ? args[0] : "benchmark-results.md";
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var scratch = Path.Combine(Path.GetTempPath(), "sl-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(scratch);
try
{
    var report = new StringBuilder();
    report.AppendLine(CultureInfo.InvariantCulture, $"Scratch folder: `{scratch}` (same file system as `{Path.GetTempPath()}`).");
    report.AppendLine();
    var only = args.Length > 2 ? args[2] : null;
    if (only is null)
    {
        report.AppendLine(await AckLatencyBenchmark.RunAsync(scratch, TimeSpan.FromSeconds(seconds)));
        report.AppendLine(await StoreSizeBenchmark.RunAsync(scratch));
    }

    if (only is null or "guard")
    {
        report.AppendLine(await PacketGuardBenchmark.RunAsync());
    }

    if (only is null or "live")
    {
        report.AppendLine(await LiveFeedBenchmark.RunAsync(scratch, reporting: TimeSpan.FromSeconds(20), quiet: TimeSpan.FromSeconds(15)));
    }

    if (only is null or "skew")
    {
        report.AppendLine(await SkewBenchmark.RunAsync());
    }
    await File.WriteAllTextAsync(output, report.ToString());
    Console.WriteLine(report);
}
finally
{
    Directory.Delete(scratch, recursive: true);
}
