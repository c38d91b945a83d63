using Microsoft.Extensions.Options;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests;

public sealed class FleetSimulatorTests
{
    [Theory]
    [InlineData(1, 3, "zone-1")]
    [InlineData(2, 3, "zone-2")]
    [InlineData(3, 3, "zone-3")]
    [InlineData(4, 3, "zone-1")]
    [InlineData(7, 1, "zone-1")]
    public void Zones_are_assigned_round_robin(int number, int zoneCount, string expected) =>
        Assert.Equal(expected, FleetSimulator.ZoneFor(number, zoneCount));

    [Theory]
    [InlineData(1, "sim-01")]
    [InlineData(9, "sim-09")]
    [InlineData(10, "sim-10")]
    [InlineData(123, "sim-123")]
    public void Ids_are_two_digit_numbered(int number, string expected) =>
        Assert.Equal(expected, FleetSimulator.NodeIdFor("sim", number));

    [Fact]
    public async Task Every_simulated_node_births_with_its_id_and_zone_then_says_goodbye_on_stop()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var recorder = await MessageRecorder.StartAsync(broker);
        var data = Directory.CreateTempSubdirectory("sl-fleet-").FullName;
        var options = new NodeOptions
        {
            DataDirectory = data,
            Simulation = new SimulationOptions { Enabled = true, NodeCount = 5, ZoneCount = 2, IdPrefix = "fleet", Stagger = TimeSpan.FromMilliseconds(10) },
        };
        options.Brokers.Add(new BrokerEndpoint { Host = "127.0.0.1", Port = broker.Port });
        var loggers = new ListLoggerFactory();
        using var simulator = new FleetSimulator(Options.Create(options), TimeProvider.System, loggers);

        await simulator.StartAsync(CancellationToken.None);
        var expected = new Dictionary<string, string>
        {
            ["fleet-01"] = "zone-1",
            ["fleet-02"] = "zone-2",
            ["fleet-03"] = "zone-1",
            ["fleet-04"] = "zone-2",
            ["fleet-05"] = "zone-1",
        };
        foreach (var (nodeId, zone) in expected)
        {
            var birth = (await recorder.WaitForAsync(nodeId, NodeMessageKind.Birth)).Decode<NodeBirth>();
            Assert.Equal([zone], birth.Zones);
            Assert.True(birth.Hardware.Simulated);
            await recorder.WaitForAsync(nodeId, NodeMessageKind.Health);
        }

        Assert.Equal(expected.Keys, simulator.Agents.Select(agent => agent.NodeId));
        // Each simulated node keeps its own outbox and bdSeq, as a real node does.
        Assert.All(expected.Keys, nodeId => Assert.True(File.Exists(Path.Combine(data, nodeId, EventJournal.FileName))));
        Assert.All(expected.Keys, nodeId => Assert.True(File.Exists(Path.Combine(data, nodeId, "bdseq"))));

        await simulator.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var nodeId in expected.Keys)
        {
            var death = (await recorder.WaitForAsync(nodeId, NodeMessageKind.Death)).Decode<NodeDeath>();
            Assert.Equal(DeathReason.Shutdown, death.Reason);
        }

        Assert.Empty(loggers.Errors);
        Assert.Empty(broker.Errors);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Simulated_nodes_each_have_their_own_key_in_their_folder_and_enrol_with_the_shared_token()
    {
        var token = EnrolmentTokenProof.NewToken(out _);
        await using var broker = await EnrolmentBroker.StartAsync(token);
        await using var recorder = await MessageRecorder.StartAsync(broker.Broker);
        var data = Directory.CreateTempSubdirectory("sl-fleet-enrol-").FullName;
        var options = new NodeOptions
        {
            DataDirectory = data,
            Enrolment = new NodeEnrolmentOptions { Token = token },
            ReconnectWindow = TimeSpan.FromMilliseconds(200),
            ReconnectBackoffCap = TimeSpan.FromMilliseconds(200),
            Simulation = new SimulationOptions { Enabled = true, NodeCount = 3, ZoneCount = 2, IdPrefix = "fleet", Stagger = TimeSpan.FromMilliseconds(10) },
        };
        options.Brokers.Add(new BrokerEndpoint { Host = "127.0.0.1", Port = broker.Port });
        var loggers = new ListLoggerFactory();
        using var simulator = new FleetSimulator(Options.Create(options), TimeProvider.System, loggers);

        await simulator.StartAsync(CancellationToken.None);
        var requests = new List<EnrolmentRequest>();
        for (var i = 0; i < 3; i++)
        {
            requests.Add(await broker.NextRequestAsync());
        }

        foreach (var nodeId in new[] { "fleet-01", "fleet-02", "fleet-03" })
        {
            await recorder.WaitForAsync(nodeId, NodeMessageKind.Birth);
            Assert.True(File.Exists(Path.Combine(data, nodeId, "node-key.pem")));
        }

        Assert.Equal(3, requests.Select(request => request.PublicKey).Distinct().Count());
        Assert.All(requests, request => Assert.NotNull(request.TokenProof));
        await simulator.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(loggers.Errors);
        Directory.Delete(data, recursive: true);
    }
}
