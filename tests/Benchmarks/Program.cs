using System.Globalization;
using System.Text;
using SmartLoudspeaker.Benchmarks;

// Usage: SmartLoudspeaker.Benchmarks <results.md> [seconds per latency run]
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
    report.AppendLine(await AckLatencyBenchmark.RunAsync(scratch, TimeSpan.FromSeconds(seconds)));
    report.AppendLine(await StoreSizeBenchmark.RunAsync(scratch));
    await File.WriteAllTextAsync(output, report.ToString());
    Console.WriteLine(report);
}
finally
{
    Directory.Delete(scratch, recursive: true);
}
