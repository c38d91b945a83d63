using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// The foundation's behaviours with a real Controller, real node agents and a real broker on loopback. The same
/// scenarios run against the embedded broker and against Mosquitto (the derived classes).
/// </summary>
public abstract class FleetScenarios : IAsyncLifetime
{
    private readonly string dataPath = Directory.CreateTempSubdirectory("sl-e2e-").FullName;

    /// <summary>Nodes started by the test; stopped at its end.</summary>
    internal SimulatedNodes Nodes { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Nodes.DisposeAsync();
        await DisposeBrokerAsync();
        Directory.Delete(dataPath, recursive: true);
    }

    [Fact]
    public async Task Three_nodes_are_seen_online_with_their_health()
    {
        await using var controller = await StartControllerAsync(dataPath);
        foreach (var id in new[] { "thon-1", "thon-2", "thon-3" })
        {
            await Nodes.StartAsync(id, [controller.MqttPort]);
        }

        await Eventually.TrueAsync(
            async () => (await controller.GetNodesAsync()).EnumerateArray()
                .Count(node => node.GetProperty("online").GetBoolean() && node.TryGetProperty("health", out var health) && health.ValueKind == System.Text.Json.JsonValueKind.Object) == 3,
            because: "three nodes online with health");
        var thon2 = (await controller.FindNodeAsync("thon-2"))!.Value;
        Assert.Equal(["zone-1"], thon2.GetProperty("zones").EnumerateArray().Select(zone => zone.GetString()));
        Assert.True(thon2.GetProperty("health").GetProperty("memory").GetProperty("totalMb").GetInt64() > 0);
    }

    [Fact]
    public async Task A_node_whose_link_stalls_is_offline_within_one_and_a_half_keepalives_and_comes_back()
    {
        var keepAlive = TimeSpan.FromSeconds(2);
        await using var controller = await StartControllerAsync(dataPath);
        await using var link = new LoopbackTcpProxy(controller.MqttPort);
        await Nodes.StartAsync("thon-stall", [link.Port], keepAlive: keepAlive);
        await Eventually.TrueAsync(() => controller.IsOnlineAsync("thon-stall"), because: "online before the stall");

        var stalledAt = TimeProvider.System.GetUtcNow();
        link.Stall();
        await Eventually.TrueAsync(async () => !await controller.IsOnlineAsync("thon-stall"), because: "offline after the stall");

        // The broker drops a silent client 1.5 keepalives after its last packet, give or take its keepalive check.
        // Measured from the Controller's own stamp of the change (same system clock), not from how soon a poll saw it.
        var wentOfflineAt = (await controller.FindNodeAsync("thon-stall"))!.Value.GetProperty("stateSince").GetDateTimeOffset();
        var tookToGoOffline = wentOfflineAt - stalledAt;
        Assert.True(tookToGoOffline < keepAlive * 1.5 + BrokerKeepAliveSlack, $"took {tookToGoOffline.TotalSeconds:F1} s");

        link.Resume();
        await Eventually.TrueAsync(() => controller.IsOnlineAsync("thon-stall"), because: "back online after the stall");
    }

    [Fact]
    public async Task A_node_whose_connection_is_cut_is_offline_at_once_and_comes_back_with_a_new_session()
    {
        await using var controller = await StartControllerAsync(dataPath);
        await using var link = new LoopbackTcpProxy(controller.MqttPort);
        var node = await Nodes.StartAsync("thon-cut", [link.Port]);
        var firstSession = node.BdSeq;
        await Eventually.TrueAsync(() => controller.IsOnlineAsync("thon-cut"));

        link.CutAll();

        await Eventually.TrueAsync(
            async () => !await controller.IsOnlineAsync("thon-cut") || node.BdSeq != firstSession,
            because: "offline, or already back in a new session");
        await Eventually.TrueAsync(
            async () => node.BdSeq != firstSession && await controller.IsOnlineAsync("thon-cut"),
            because: "back online in a new session");
    }

    [Fact]
    public async Task A_node_on_a_slow_asymmetric_link_stays_online_and_its_reports_are_seen_late()
    {
        // A congested 4G uplink: what the node sends takes 1.5 s, what it receives 50 ms. MQTTnet's client gives a
        // ping half a keepalive to come back (measured), so the round trip must stay under that: 6 s keepalive here,
        // 30 s in production.
        var uplink = TimeSpan.FromSeconds(1.5);
        var keepAlive = TimeSpan.FromSeconds(6);
        await using var controller = await StartControllerAsync(dataPath);
        await using var link = new LoopbackTcpProxy(controller.MqttPort)
        {
            UpstreamProfile = new LinkProfile { Delay = uplink },
            DownstreamProfile = new LinkProfile { Delay = TimeSpan.FromMilliseconds(50) },
        };
        await Nodes.StartAsync("thon-slow", [link.Port], keepAlive: keepAlive);
        await Eventually.TrueAsync(
            async () => await controller.FindNodeAsync("thon-slow") is { } node && node.TryGetProperty("health", out var health) && health.ValueKind == System.Text.Json.JsonValueKind.Object,
            because: "online with health over the slow link");

        var seen = (await controller.FindNodeAsync("thon-slow"))!.Value;
        var measuredAt = seen.GetProperty("health").GetProperty("ts").GetDateTimeOffset();
        var receivedAt = seen.GetProperty("healthReceivedAt").GetDateTimeOffset();
        Assert.True(receivedAt - measuredAt >= uplink - TimeSpan.FromMilliseconds(100), $"report seen {(receivedAt - measuredAt).TotalSeconds:F2} s after it was measured");

        // Two keepalive periods with pings crossing the slow uplink: the node must not blink offline.
        await Continuously.TrueAsync(() => controller.IsOnlineAsync("thon-slow"), keepAlive * 2, "online throughout on a slow link");
    }

    [Fact]
    public async Task A_node_that_says_goodbye_is_offline_at_once()
    {
        await using var controller = await StartControllerAsync(dataPath);
        var node = await Nodes.StartAsync("thon-bye", [controller.MqttPort]);
        await Eventually.TrueAsync(() => controller.IsOnlineAsync("thon-bye"));

        await node.StopAsync(CancellationToken.None);

        await Eventually.TrueAsync(async () => !await controller.IsOnlineAsync("thon-bye"), because: "offline after its goodbye");
    }

    [Fact]
    public async Task A_connected_node_that_stops_reporting_is_offline_at_two_and_a_half_heartbeats()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var controller = await StartControllerAsync(dataPath, clock);

        // The node reports on its own (real) clock every 30 s: within this test it sends its birth and first
        // health, then stays connected and silent, as a node with a hung health loop would.
        await Nodes.StartAsync("thon-silent", [controller.MqttPort], heartbeat: TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(
            async () => await controller.FindNodeAsync("thon-silent") is { } node && node.GetProperty("online").GetBoolean() && node.TryGetProperty("health", out _),
            because: "online with its first health");

        await controller.AdvanceAndSweepAsync(clock, TimeSpan.FromSeconds(74));
        Assert.True(await controller.IsOnlineAsync("thon-silent"), "still online just before 2.5 heartbeats");

        await controller.AdvanceAndSweepAsync(clock, TimeSpan.FromSeconds(2));
        Assert.False(await controller.IsOnlineAsync("thon-silent"), "offline after 2.5 heartbeats");
    }

    [Fact]
    public async Task A_restarted_controller_remembers_the_fleet_and_sees_it_come_back()
    {
        var port = await ReserveControllerPortAsync();
        var first = await StartControllerAsync(dataPath, port: port);
        await Nodes.StartAsync("thon-a", [first.MqttPort]);
        await Nodes.StartAsync("thon-b", [first.MqttPort]);
        await Eventually.TrueAsync(async () => await first.IsOnlineAsync("thon-a") && await first.IsOnlineAsync("thon-b"));
        await first.DisposeAsync();

        await using var second = await StartControllerAsync(dataPath, port: port);

        var known = (await second.GetNodesAsync()).EnumerateArray().Select(node => node.GetProperty("id").GetString()).ToList();
        Assert.Contains("thon-a", known);
        Assert.Contains("thon-b", known);
        await Eventually.TrueAsync(
            async () => await second.IsOnlineAsync("thon-a") && await second.IsOnlineAsync("thon-b"),
            because: "both nodes online again after the restart");
    }

    /// <summary>How late past 1.5 keepalives this broker may drop a silent client (its check granularity, and this poll).</summary>
    internal abstract TimeSpan BrokerKeepAliveSlack { get; }

    /// <summary>Starts a Controller using this class's broker.</summary>
    internal abstract Task<ControllerUnderTest> StartControllerAsync(string dataDirectory, TimeProvider? time = null, int port = 0);

    /// <summary>A broker port a restarted Controller can use again.</summary>
    internal abstract Task<int> ReserveControllerPortAsync();

    /// <summary>Stops a broker the class started.</summary>
    internal abstract ValueTask DisposeBrokerAsync();
}
