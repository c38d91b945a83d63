using System.Globalization;
using System.Text.Json;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// The fleet scenario with the Node executable as a process, configured as README's "Configure a node" tells a
/// technician (a site file and <c>Node__…</c> environment variables, as the systemd unit does): once as one real node
/// reading this Linux machine's health, once as the fleet simulator. The nodes are born and seen online with health,
/// and a SIGTERM (systemctl stop) ends them with a goodbye, so the Controller shows them offline at once.
/// </summary>
public sealed class NodeProcessFleetTests(EmbeddedControllerFixture fixture) : IClassFixture<EmbeddedControllerFixture>, IDisposable
{
    // Upper bounds only, for a busy 2-core machine: every wait ends as soon as what it waits for happens.
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private readonly string folder = Directory.CreateTempSubdirectory("sl-e2e-node-process-").FullName;

    private ControllerUnderTest Controller => fixture.Controller;

    [Fact]
    public async Task A_real_node_process_configured_by_its_site_file_is_seen_online_with_its_linux_health_and_says_goodbye_on_SIGTERM()
    {
        const string nodeId = "thon-3-nha-van-hoa";
        var siteFile = Path.Combine(folder, "node.json");

        // README's example site file, with the Controller on loopback as the first broker and a backup that is down.
        await File.WriteAllTextAsync(siteFile, $$"""
            {
              "Node": {
                "NodeId": "{{nodeId}}",
                "Zones": [ "thon-3" ],
                "Brokers": [
                  { "Host": "127.0.0.1", "Port": {{Port(Controller.MqttPort)}} },
                  { "Host": "127.0.0.1", "Port": {{Port(FreePort.Next())}} }
                ],
                "Heartbeat": "00:01:00"
              }
            }
            """);
        var data = Path.Combine(folder, "var-lib-smartloudspeaker");
        await using var deaths = await WatchDeathsAsync(nodeId);
        await using var node = NodeProgram.Start(siteFile, new Dictionary<string, string> { ["Node__DataDirectory"] = data });

        var bdSeq = await node.WaitForBirthAsync(nodeId, Generous);
        var seen = await OnlineWithHealthAsync(nodeId, node);
        Assert.Equal(["thon-3"], seen.GetProperty("zones").EnumerateArray().Select(zone => zone.GetString()));
        Assert.Equal(60, seen.GetProperty("heartbeatSeconds").GetInt32());
        Assert.NotEqual("simulated", seen.GetProperty("hardwareModel").GetString());
        Assert.True(seen.GetProperty("health").GetProperty("memory").GetProperty("totalMb").GetInt64() > 0);
        Assert.True(File.Exists(Path.Combine(data, "bdseq")), "the node keeps its state in the data folder it was given");

        await node.StopAsync(Generous);

        Assert.True(node.ExitCode == 0, node.RecentOutput);
        await AssertSaidGoodbyeAsync(deaths, nodeId, bdSeq);
    }

    [Fact]
    public async Task A_simulating_node_process_configured_by_environment_variables_brings_its_fleet_online_and_says_goodbye_for_each_on_SIGTERM()
    {
        const string prefix = "mo-phong";
        var ids = Enumerable.Range(1, 3).Select(number => FleetSimulator.NodeIdFor(prefix, number)).ToList();
        var data = Path.Combine(folder, "nodes");
        await using var deaths = await WatchDeathsAsync([.. ids]);
        await using var node = NodeProgram.Start(
            Path.Combine(folder, "no-site-file.json"),
            new Dictionary<string, string>
            {
                ["Node__Simulation__Enabled"] = "true",
                ["Node__Simulation__NodeCount"] = "3",
                ["Node__Simulation__ZoneCount"] = "2",
                ["Node__Simulation__IdPrefix"] = prefix,
                ["Node__Brokers__0__Host"] = "127.0.0.1",
                ["Node__Brokers__0__Port"] = Port(Controller.MqttPort),
                ["Node__DataDirectory"] = data,
            });

        var sessions = new Dictionary<string, int>();
        var seen = new Dictionary<string, JsonElement>();
        foreach (var id in ids)
        {
            sessions[id] = await node.WaitForBirthAsync(id, Generous);
            seen[id] = await OnlineWithHealthAsync(id, node);
        }

        Assert.Equal(["zone-1", "zone-2", "zone-1"], ids.Select(id => seen[id].GetProperty("zones").EnumerateArray().Single().GetString()));
        Assert.All(seen.Values, simulated => Assert.Equal("simulated", simulated.GetProperty("hardwareModel").GetString()));
        Assert.All(ids, id => Assert.True(File.Exists(Path.Combine(data, id, "bdseq")), $"{id} keeps its state in its own subfolder"));

        await node.StopAsync(Generous);

        Assert.True(node.ExitCode == 0, node.RecentOutput);
        await node.WaitForOutputAsync("Fleet simulator stopped 3 nodes", Generous);
        foreach (var id in ids)
        {
            await AssertSaidGoodbyeAsync(deaths, id, sessions[id]);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string DeathTopic(string nodeId) => Topics.ForNode(nodeId, NodeMessageKind.Death);

    /// <summary>A watcher on the broker for the nodes' deaths, connected before the nodes start.</summary>
    private Task<MqttProbe> WatchDeathsAsync(params string[] nodeIds) =>
        MqttProbe.ConnectAsAsync(Controller.MqttPort, "observer", Controller.ObserverPassword, "observer", [.. nodeIds.Select(DeathTopic)]);

    /// <summary>The node as GET /api/nodes shows it once it is online with a health report.</summary>
    private async Task<JsonElement> OnlineWithHealthAsync(string nodeId, ProgramProcess node)
    {
        JsonElement? seen = null;
        await Eventually.TrueAsync(
            async () => (seen = await Controller.FindNodeAsync(nodeId)) is { } found
                && found.GetProperty("online").GetBoolean()
                && found.TryGetProperty("health", out var health) && health.ValueKind == JsonValueKind.Object,
            Generous,
            $"{nodeId} online with health; the node said:{Environment.NewLine}{node.RecentOutput}");
        return seen!.Value;
    }

    /// <summary>A clean death: the node's own goodbye (not its Will) for the session it was seen in, and offline at once.</summary>
    private async Task AssertSaidGoodbyeAsync(MqttProbe deaths, string nodeId, int bdSeq)
    {
        var death = WireCodec.Decode<NodeDeath>((await deaths.WaitForTopicAsync(DeathTopic(nodeId), Generous)).Payload).Message!;
        Assert.Equal((DeathReason.Shutdown, bdSeq), (death.Reason, death.BdSeq));
        await Eventually.TrueAsync(async () => !await Controller.IsOnlineAsync(nodeId), Generous, $"{nodeId} offline after its goodbye");
    }
}
