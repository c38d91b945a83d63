using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Audio.Arbiter;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Simulation;
using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Benchmarks.Skew;

/// <summary>
/// Synchronised playout skew (issue 12): <see cref="Nodes"/> simulated nodes, each with its own clock (offset within
/// ±5 s, drift within ±500 ppm, seeded), its clock sync over a modelled path, its playout engine and virtual DAC, all on
/// one fake true clock. After <see cref="WarmUp"/> of sync every node is asked to play the same tone at the same
/// Controller instant; the DACs say when, in true time, each node emitted the samples of that instant and of the
/// instants one and ten minutes on. Skew is the spread over nodes; error is each node's emission minus the instant.
/// </summary>
/// <remarks>
/// True time passes only while every engine waits for its DAC, in 1 ms steps (a tenth of a block, a hundredth of the
/// DAC's buffer, so no device runs dry), and straight to the next sync event while nothing plays: minutes of audio take
/// seconds and the figures are exact, the same on any machine. They leave out what fake time cannot show: the OS
/// scheduling jitter of a real playout thread and a real DAC's start-up latency and clock.
/// </remarks>
internal static class SkewBenchmark
{
    public const int Nodes = 50;
    private const int Seed = 12;

    /// <summary>A clock-sync exchange on the wire (MQTT 5 PUBLISH of request and signed reply), as ClockSyncTrafficTests computes it.</summary>
    private const int ExchangeBytes = 420;

    public static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(5);

    /// <summary>Engines start this long before the play: more than the largest clock offset, so no node starts late on its own clock.</summary>
    private static readonly TimeSpan EngineLead = TimeSpan.FromSeconds(10);

    private static readonly DateTimeOffset Start = new(2026, 12, 4, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan[] Marks = [TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10)];

    private static readonly SkewScenario[] Scenarios =
    [
        new("LAN (each leg 0.2–2 ms)", 0.2, 0.2, 1.8),
        new("4G (each leg 30–300 ms)", 30, 30, 270),
        new("4G, uplink 40 ms slower", 70, 30, 270),
        new("no sync (negative control)", 0, 0, 0, Synced: false),
    ];

    public static async Task<string> RunAsync()
    {
        var wall = Stopwatch.StartNew();
        var report = new StringBuilder();
        report.AppendLine("### Synchronised playout skew (`SkewBenchmark`)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"{Nodes} nodes (offsets uniform ±5 s, drift uniform ±500 ppm, seed {Seed}), {WarmUp.TotalMinutes:F0} min of clock sync, then one "
            + $"tone at a fixed Controller instant; emissions of the samples at start / +1 min / +10 min, on fake true time.");
        report.AppendLine();
        report.AppendLine("| scenario | skew (max − min) start / +1 / +10 min | max \\|error\\| start / +1 / +10 min | median error start / +1 / +10 min | clock estimate: max \\|miss\\| / least bound / within its bound | emissions within bound | settled sync interval | sync bytes/day |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");

        // All at once on the thread pool: each has its own fake clock and nodes, so they share nothing but the cores.
        var rows = await Task.WhenAll(Scenarios.Select(scenario => Task.Run(() => Run(scenario))));
        foreach (var row in rows)
        {
            report.AppendLine(row);
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Simulated in {wall.Elapsed.TotalSeconds:F0} s of wall time.");
        report.AppendLine();
        report.AppendLine(PlayoutCpuBenchmark.Run());
        return report.ToString();
    }

    private static string Run(SkewScenario scenario)
    {
        var wall = Stopwatch.StartNew();
        var truth = new FakeTimeProvider(Start);
        var random = new Random(Seed);
        var nodes = new List<FleetNode>();
        for (var i = 0; i < Nodes; i++)
        {
            var offset = TimeSpan.FromSeconds((random.NextDouble() * 10) - 5);
            var drift = (random.NextDouble() * 1000) - 500;
            nodes.Add(new FleetNode(i, truth, offset, drift, scenario, Seed + 1 + i));
        }

        var playAt = Start + WarmUp;
        var engineStart = playAt - EngineLead;
        var lastMark = playAt + Marks[^1];

        // Past the last mark by more than any node's clock can be behind (offset and ten minutes of drift) and a block or
        // two: even an unsynced node has written it to its DAC by then, so its emission is known.
        var end = lastMark + SimulatedNodeClock.MaxOffset + TimeSpan.FromSeconds(2);
        var duration = Marks[^1] + TimeSpan.FromSeconds(5);
        var tone = new ToneContent(440, duration, 0.5f);
        var request = new PlayRequest("skew-tone", PriorityClass.Normal, playAt, null, ResumesFromCutPoint: true, duration);
        var bounds = new TimeSpan[Marks.Length][];
        var misses = new TimeSpan[Marks.Length][];
        var nextMark = 0;
        var playing = false;
        while (truth.GetUtcNow() < end)
        {
            var now = truth.GetUtcNow();
            foreach (var node in nodes)
            {
                node.Sync(now);
            }

            if (nextMark < Marks.Length && now >= playAt + Marks[nextMark])
            {
                (misses[nextMark], bounds[nextMark]) = ReadClocks(nodes, now);
                nextMark++;
            }

            if (now < engineStart)
            {
                var next = nodes.Min(node => node.NextSyncEvent);
                truth.SetUtcNow(next < engineStart ? next : engineStart);
                continue;
            }

            if (!playing)
            {
                foreach (var node in nodes)
                {
                    node.Engine.Submit(request, tone);
                }

                playing = true;
            }

            foreach (var node in nodes)
            {
                node.Pump();
            }

            truth.Advance(Step);
        }

        var errors = Marks.Select(mark => nodes.Select(node => EmissionError(node, playAt + mark)).ToArray()).ToArray();
        var row = new StringBuilder();
        row.Append(CultureInfo.InvariantCulture, $"| {scenario.Name} | ");
        row.Append(string.Join(" / ", errors.Select(e => Format(e.Max() - e.Min())))).Append(" | ");
        row.Append(string.Join(" / ", errors.Select(e => Format(e.Max(x => x.Duration()))))).Append(" | ");
        row.Append(string.Join(" / ", errors.Select(e => Format(Median(e))))).Append(" | ");
        if (scenario.Synced)
        {
            var worstMiss = misses.SelectMany(m => m).Max(x => x.Duration());
            var leastBound = bounds.SelectMany(b => b).Min();
            int within = 0, covered = 0;
            for (var m = 0; m < Marks.Length; m++)
            {
                within += errors[m].Zip(bounds[m]).Count(pair => pair.First.Duration() <= pair.Second);
                covered += misses[m].Zip(bounds[m]).Count(pair => pair.First.Duration() <= pair.Second);
            }

            var intervals = nodes.Select(node => node.Interval).ToArray();
            var perDay = nodes.Average(node => TimeSpan.FromDays(1) / node.Interval) * ExchangeBytes;
            row.Append(CultureInfo.InvariantCulture, $"{Format(worstMiss)} / {Format(leastBound)} / {covered} of {Marks.Length * Nodes} | {within} of {Marks.Length * Nodes} | ");
            row.Append(string.Join(", ", intervals.GroupBy(i => i).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key.TotalSeconds:F0} s × {g.Count()}"))));
            row.Append(CultureInfo.InvariantCulture, $" | {perDay / 1024:N0} KiB |");
        }
        else
        {
            row.Append("none (claims 0 error) | — | — | 0 |");
        }

        var underruns = nodes.Sum(node => node.Dac?.Underruns ?? 0);
        if (underruns > 0)
        {
            row.Append(CultureInfo.InvariantCulture, $" {underruns} DAC underruns!");
        }

        foreach (var node in nodes)
        {
            node.Dispose();
        }

        Console.Error.WriteLine($"skew: {scenario.Name} simulated in {wall.Elapsed.TotalSeconds:F0} s");
        return row.ToString();
    }

    /// <summary>Each node's estimate of the Controller's clock now against true time (the Controller's), and the bound it claims.</summary>
    private static (TimeSpan[] Misses, TimeSpan[] Bounds) ReadClocks(List<FleetNode> nodes, DateTimeOffset trueNow)
    {
        var misses = new TimeSpan[nodes.Count];
        var bounds = new TimeSpan[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].Estimator.Current is { } estimate)
            {
                var nodeNow = nodes[i].Clock.GetUtcNow();
                misses[i] = estimate.ControllerNow(nodeNow) - trueNow;
                bounds[i] = estimate.ErrorAt(nodeNow);
            }
        }

        return (misses, bounds);
    }

    private static TimeSpan EmissionError(FleetNode node, DateTimeOffset instant) =>
        node.Dac?.TrueEmitTimeOf(instant) is { } emitted
            ? emitted - instant
            : throw new InvalidOperationException($"A node never emitted {instant:O}: the run is broken.");

    private static TimeSpan Median(TimeSpan[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Format(TimeSpan value)
    {
        var ms = value.TotalMilliseconds;
        return Math.Abs(ms) switch
        {
            >= 1000 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:F2} s"),
            >= 10 => string.Create(CultureInfo.InvariantCulture, $"{ms:F1} ms"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{ms:F3} ms"),
        };
    }
}
