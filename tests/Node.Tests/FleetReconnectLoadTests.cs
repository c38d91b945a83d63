using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Proxy;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Node.Tests;

/// <summary>
/// The herd requirement measured on real agents: after a broker outage, at most a tenth of the fleet reconnects in any
/// one second and all of it is back within 60 s. Runs with the shipped reconnect defaults on the system clock.
/// </summary>
public sealed class FleetReconnectLoadTests(ITestOutputHelper output)
{
    private const int Fleet = 300;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AllBackWithin = TimeSpan.FromSeconds(60);

    [Fact]
    [Trait("Category", "Load")]
    public async Task After_a_ten_second_outage_300_nodes_return_spread_at_most_a_tenth_per_second_and_all_within_a_minute()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var link = new LoopbackTcpProxy(broker.Port);
        var clock = Stopwatch.StartNew();
        var connects = new ConcurrentQueue<(string ClientId, TimeSpan At)>();
        broker.Server.ClientConnectedAsync += e =>
        {
            connects.Enqueue((e.ClientId, clock.Elapsed));
            return Task.CompletedTask;
        };
        var loggers = new ListLoggerFactory();
        var agents = Enumerable.Range(1, Fleet).Select(number => NodeComposer.Compose(
            new NodeAgentSettings
            {
                NodeId = FleetSimulator.NodeIdFor("load", number),
                Zones = ["zone-1"],
                Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = link.Port }],
                KeepAlive = TimeSpan.FromSeconds(10),
            },
            NodeDrivers.Simulated(number),
            TimeProvider.System,
            loggers.CreateLogger<NodeAgent>())).ToList();
        try
        {
            await Task.WhenAll(agents.Select(agent => agent.StartAsync(CancellationToken.None)));
            await Task.WhenAll(agents.Select(agent => agent.WaitForBirthAsync(CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(40));

            // The broker goes away: every link is reset and every connect refused, for ten seconds.
            var returned = TimeSpan.Zero;
            await link.RunScriptAsync(
            [
                new FaultStep(TimeSpan.Zero, proxy =>
                {
                    proxy.NewConnections = NewConnectionMode.Refuse;
                    proxy.CutAll();
                }),
                new FaultStep(Outage, proxy =>
                {
                    returned = clock.Elapsed;
                    proxy.NewConnections = NewConnectionMode.Forward;
                }),
            ]);

            var back = await WaitForEveryNodeAsync(connects, returned, agents.Select(agent => agent.NodeId).ToHashSet(StringComparer.Ordinal));
            var perSecond = back.Values.GroupBy(at => (int)(at - returned).TotalSeconds).ToDictionary(second => second.Key, second => second.Count());
            var last = back.Values.Max() - returned;
            output.WriteLine(Histogram(perSecond, last));

            Assert.Equal(Fleet, back.Count);
            Assert.True(last <= AllBackWithin, $"the last node returned {last.TotalSeconds:F1} s after the broker");
            Assert.True(perSecond.Values.Max() <= Fleet / 10, $"{perSecond.Values.Max()} nodes returned in one second (limit {Fleet / 10})");
            Assert.Empty(loggers.Errors);
            Assert.Empty(broker.Errors);
        }
        finally
        {
            await Task.WhenAll(agents.Select(agent => agent.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Each node's first CONNECT after the return; waits until all are back or the limit (plus slack) passes.</summary>
    private static async Task<Dictionary<string, TimeSpan>> WaitForEveryNodeAsync(
        ConcurrentQueue<(string ClientId, TimeSpan At)> connects, TimeSpan returned, HashSet<string> fleet)
    {
        var back = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        var deadline = Stopwatch.StartNew();
        while (back.Count < fleet.Count && deadline.Elapsed < AllBackWithin + TimeSpan.FromSeconds(5))
        {
            await timer.WaitForNextTickAsync();
            foreach (var (clientId, at) in connects)
            {
                if (at >= returned && fleet.Contains(clientId))
                {
                    back.TryAdd(clientId, at);
                }
            }
        }

        return back;
    }

    private static string Histogram(Dictionary<int, int> perSecond, TimeSpan last)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Reconnects per second after the broker returned ({Fleet} nodes, limit {Fleet / 10}/s):");
        for (var second = 0; second <= perSecond.Keys.Max(); second++)
        {
            var count = perSecond.GetValueOrDefault(second);
            text.AppendLine(CultureInfo.InvariantCulture, $"{second,3} s {count,4} {new string('#', count)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"max {perSecond.Values.Max()} in one second ({100.0 * perSecond.Values.Max() / Fleet:F1} %), all back after {last.TotalSeconds:F1} s");
        return text.ToString();
    }
}
