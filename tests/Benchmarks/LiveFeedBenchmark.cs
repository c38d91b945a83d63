using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Commune;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Benchmarks;

/// <summary>
/// The fleet's live view under load: the Controller in this process (as Program.cs builds it, real Kestrel, embedded
/// broker, LiteDB), <see cref="Subscribers"/> server-sent-events streams over loopback HTTP, and <see cref="Nodes"/>
/// nodes whose health reports go straight into the fleet registry (what ingest calls after decoding). Measures the
/// latency from a report to its row's arrival at each stream, then the process's CPU and memory while the fleet is
/// quiet. The readers share the process, so the quiet CPU figure is an upper bound for the Controller alone.
/// </summary>
internal static class LiveFeedBenchmark
{
    public const int Subscribers = 500;
    public const int Nodes = 1000;

    public static async Task<string> RunAsync(string scratch, TimeSpan reporting, TimeSpan quiet)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "Embedded",
            ["Broker:Port"] = "0",
            ["Broker:Tls:Port"] = "0",
            ["Broker:BindAddress"] = "127.0.0.1",
            ["Store:DataDirectory"] = Path.Combine(scratch, "live"),
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddSmartLoudspeakerController();
        builder.AddControllerSecurity();
        builder.AddControllerCommands();
        builder.AddSmartLoudspeakerWeb();
        builder.AddControllerAccounts();
        builder.AddCommuneSettings();
        await using var app = builder.Build();
        app.MapTechnicianEndpoints();
        app.MapSmartLoudspeakerWeb();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var fleet = app.Services.GetRequiredService<FleetRegistry>();

        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Nodes; i++)
        {
            await fleet.ApplyBirth(Birth(NodeId(i)), now);
        }

        // Stopwatch ticks of each node's latest report; a stream's row for the node is measured against it.
        var changedAt = new long[Nodes];
        var latencies = new long[Subscribers][];
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Subscribers + 10 }) { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan };

        // The streams read as a viewer would: with an account (a token here) of a role that may read the fleet.
        var accounts = app.Services.GetRequiredService<AccountDirectory>();
        await accounts.CreateUserAsync("benchmark", null, AccountSecrets.NewPassword(), [AccountRoles.Viewer]);
        var token = await accounts.CreateTokenAsync("benchmark", "benchmark", [AccountRoles.Viewer], TimeSpan.FromDays(1));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Value!.Token);
        using var stop = new CancellationTokenSource();
        var connected = new CountdownEvent(Subscribers);
        var readers = Enumerable.Range(0, Subscribers).Select(s => Task.Run(() => ReadAsync(http, s % 2 == 0 ? "vi" : "en", changedAt, latencies[s] = new long[5001], connected, stop.Token))).ToArray();
        connected.Wait(TimeSpan.FromSeconds(60));
        var process = Process.GetCurrentProcess();
        GC.Collect();
        var memoryConnected = (GC.GetTotalMemory(forceFullCollection: true), WorkingSet(process));

        // Every node reports once per reporting period / 2, spread evenly; each report changes the row (temperature).
        var reports = 0;
        var clock = Stopwatch.StartNew();
        var interval = reporting / 2 / Nodes;
        while (clock.Elapsed < reporting)
        {
            var i = reports % Nodes;
            Volatile.Write(ref changedAt[i], Stopwatch.GetTimestamp());
            _ = fleet.ApplyHealth(NodeId(i), Health(reports), DateTimeOffset.UtcNow);
            reports++;
            var due = interval * reports;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }

        // Let the last rows arrive, then the quiet fleet: nothing reports, the streams stay open.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var cpuBefore = process.TotalProcessorTime;
        var quietClock = Stopwatch.StartNew();
        await Task.Delay(quiet);
        process.Refresh();
        var cpuPercent = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / quietClock.Elapsed.TotalMilliseconds * 100;
        var memoryQuiet = (GC.GetTotalMemory(forceFullCollection: true), WorkingSet(process));
        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(reader => reader.ContinueWith(_ => { }, TaskScheduler.Default)));
        await app.StopAsync();

        var all = new long[5001];
        foreach (var histogram in latencies)
        {
            for (var ms = 0; ms < all.Length; ms++)
            {
                all[ms] += histogram[ms];
            }
        }

        var total = all.Sum();
        var report = new StringBuilder();
        report.AppendLine("### Live view: 500 streams, 1,000 nodes reporting");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Subscribers} SSE streams of the node list (half Vietnamese, half English) over loopback HTTP; {Nodes} born nodes; {reports} health reports in {reporting.TotalSeconds:0} s ({reports / reporting.TotalSeconds:0}/s, each changing its row) straight into the fleet registry; then {quiet.TotalSeconds:0} s quiet.");
        report.AppendLine();
        report.AppendLine("| figure | value |");
        report.AppendLine("|---|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| rows delivered (report → stream) | {total:N0} of {(long)reports * Subscribers:N0} expected |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| latency p50 / p99 / max ms | {Percentile(all, 0.50)} / {Percentile(all, 0.99)} / {Max(all)}{(Max(all) >= 5000 ? "+" : "")} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| rows within 1 s | {(total == 0 ? 0 : all.Take(1001).Sum() * 100.0 / total):0.00} % |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| CPU while quiet (% of one core) | {cpuPercent:0.00} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| managed heap, streams open / quiet after load | {memoryConnected.Item1 / 1048576.0:0.0} / {memoryQuiet.Item1 / 1048576.0:0.0} MiB |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| working set, streams open / quiet after load | {memoryConnected.Item2 / 1048576.0:0.0} / {memoryQuiet.Item2 / 1048576.0:0.0} MiB |");
        return report.ToString();
    }

    private static long WorkingSet(Process process)
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    private static async Task ReadAsync(HttpClient http, string language, long[] changedAt, long[] histogram, CountdownEvent connected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/fleet");
        request.Headers.AcceptLanguage.ParseAdd(language);
        request.Headers.Add("Cookie", ".AspNetCore.Culture=c=" + language + "|uic=" + language);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            connected.Signal();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var at = line.IndexOf("\"id\":\"node-", StringComparison.Ordinal);
                if (!line.StartsWith("data: ", StringComparison.Ordinal) || at < 0)
                {
                    continue;
                }

                var node = int.Parse(line.AsSpan(at + 11, 4), CultureInfo.InvariantCulture);
                var changed = Volatile.Read(ref changedAt[node]);
                if (changed != 0)
                {
                    var ms = (long)Stopwatch.GetElapsedTime(changed).TotalMilliseconds;
                    histogram[Math.Min(ms, histogram.Length - 1)]++;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The benchmark is over.
        }
    }

    private static long Percentile(long[] histogram, double fraction)
    {
        var wanted = (long)Math.Ceiling(histogram.Sum() * fraction);
        var seen = 0L;
        for (var ms = 0; ms < histogram.Length; ms++)
        {
            seen += histogram[ms];
            if (seen >= wanted && wanted > 0)
            {
                return ms;
            }
        }

        return 0;
    }

    private static long Max(long[] histogram)
    {
        for (var ms = histogram.Length - 1; ms >= 0; ms--)
        {
            if (histogram[ms] > 0)
            {
                return ms;
            }
        }

        return 0;
    }

    private static string NodeId(int i) => "node-" + i.ToString("0000", CultureInfo.InvariantCulture);

    private static NodeBirth Birth(string nodeId) => new()
    {
        NodeId = nodeId,
        BdSeq = 1,
        Ts = DateTimeOffset.UtcNow,
        Software = "1.2.3",
        Hardware = new HardwareProfile { Model = "Raspberry Pi 4 Model B Rev 1.4", Os = "Debian GNU/Linux 12 (bookworm)" },
        Capabilities = ["audio.opus", "relay.amplifier"],
        Zones = ["thon-" + (nodeId[^1] - '0')],
        HeartbeatSeconds = 300,
        UptimeSeconds = 12,
    };

    private static NodeHealth Health(int seq) => new()
    {
        Seq = seq + 1,
        BdSeq = 1,
        Ts = DateTimeOffset.UtcNow,
        UptimeSeconds = 42,
        Cpu = new CpuHealth { TempC = 40 + (seq % 400) / 10.0, Load1 = 0.2, Load5 = 0.1 },
        Memory = new MemoryHealth { TotalMb = 3800, AvailableMb = 3000, DiskTotalMb = 29_000, DiskFreeMb = 20_000 },
        Link = new LinkHealth { Type = LinkType.Wifi, SignalDbm = -61 },
        Clock = new ClockHealth { Synced = true, Source = "ntp" },
    };
}
