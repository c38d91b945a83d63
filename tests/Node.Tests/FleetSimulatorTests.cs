using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Simulation;
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

    [Fact]
    public async Task A_simulated_node_runs_on_its_own_clock_off_by_its_configured_offset_and_drifting()
    {
        var host = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
        var data = Directory.CreateTempSubdirectory("sl-fleet-clock-").FullName;
        var audio = Path.Combine(data, "audio");
        var options = new NodeOptions
        {
            DataDirectory = data,
            Simulation = new SimulationOptions
            {
                Enabled = true, NodeCount = 3, ClockOffsetSpread = TimeSpan.FromSeconds(2), ClockDriftSpreadPpm = 200, Seed = 5, AudioOutputFolder = audio,
            },
        };
        options.Brokers.Add(new BrokerEndpoint { Host = "127.0.0.1", Port = 1883 });
        var expected = SimulatedNodeSettings.For(options.Simulation, 2);
        Assert.NotEqual(TimeSpan.Zero, expected.ClockOffset);
        Assert.NotEqual(0, expected.ClockDriftPpm);

        var agent = NodeComposer.ForSimulatedNode(options, 2, host, new ListLoggerFactory());
        var clock = Assert.IsType<SimulatedNodeClock>(agent.Time);
        Assert.Same(host, clock.TrueTime);
        Assert.Equal(expected.ClockOffset, clock.Offset);
        Assert.Equal(expected.ClockDriftPpm, clock.DriftPpm);
        Assert.Equal(expected.ClockOffset, agent.Time.GetUtcNow() - host.GetUtcNow());

        host.Advance(TimeSpan.FromSeconds(1000));
        var drifted = expected.ClockOffset + TimeSpan.FromSeconds(1000 * expected.ClockDriftPpm * 1e-6);
        Assert.InRange(agent.Time.GetUtcNow() - host.GetUtcNow(), drifted - TimeSpan.FromMilliseconds(1), drifted + TimeSpan.FromMilliseconds(1));

        // Its virtual DAC records into the configured folder under the node's name, and is closed with the node.
        var dac = Assert.IsType<VirtualDacSink>(agent.AudioSink);
        Assert.Equal(Path.Combine(audio, "sim-02.wav"), dac.WavPath);
        Assert.True(File.Exists(Path.Combine(audio, "sim-02.timing.csv")));
        await agent.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => dac.WriteAsync(new float[960], null, CancellationToken.None).AsTask());
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Without_an_audio_folder_each_node_s_virtual_dac_records_in_memory_and_each_node_has_its_own_clock()
    {
        var host = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
        var data = Directory.CreateTempSubdirectory("sl-fleet-clock-").FullName;
        var options = new NodeOptions
        {
            DataDirectory = data,
            Simulation = new SimulationOptions { Enabled = true, NodeCount = 2, ClockOffsetSpread = TimeSpan.FromSeconds(1.5), Seed = 1 },
        };
        options.Brokers.Add(new BrokerEndpoint { Host = "127.0.0.1", Port = 1883 });

        var first = NodeComposer.ForSimulatedNode(options, 1, host, new ListLoggerFactory());
        var second = NodeComposer.ForSimulatedNode(options, 2, host, new ListLoggerFactory());

        Assert.NotEqual(first.Time.GetUtcNow(), second.Time.GetUtcNow());
        Assert.Null(Assert.IsType<VirtualDacSink>(first.AudioSink).WavPath);
        Assert.NotSame(first.AudioSink, second.AudioSink);
        Assert.Empty(Directory.GetFiles(data, "*.wav", SearchOption.AllDirectories));
        await first.DisposeAsync();
        await second.DisposeAsync();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Simulated_nodes_stamp_their_births_on_their_own_clocks()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var recorder = await MessageRecorder.StartAsync(broker);
        var data = Directory.CreateTempSubdirectory("sl-fleet-stamp-").FullName;
        var options = new NodeOptions
        {
            DataDirectory = data,
            Simulation = new SimulationOptions
            {
                Enabled = true, NodeCount = 2, IdPrefix = "clock", Stagger = TimeSpan.FromMilliseconds(10), ClockOffsetSpread = TimeSpan.FromSeconds(5), Seed = 12,
            },
        };
        options.Brokers.Add(new BrokerEndpoint { Host = "127.0.0.1", Port = broker.Port });
        var offsets = new[] { SimulatedNodeSettings.For(options.Simulation, 1).ClockOffset, SimulatedNodeSettings.For(options.Simulation, 2).ClockOffset };
        // Far enough off that a birth stamped on the host's clock could not pass for one stamped on the node's.
        Assert.All(offsets, offset => Assert.True(offset.Duration() > TimeSpan.FromSeconds(1), $"offset {offset}"));
        var loggers = new ListLoggerFactory();
        using var simulator = new FleetSimulator(Options.Create(options), TimeProvider.System, loggers);

        var before = DateTimeOffset.UtcNow;
        await simulator.StartAsync(CancellationToken.None);
        var births = new List<NodeBirth>();
        foreach (var nodeId in new[] { "clock-01", "clock-02" })
        {
            births.Add((await recorder.WaitForAsync(nodeId, NodeMessageKind.Birth)).Decode<NodeBirth>());
        }

        var after = DateTimeOffset.UtcNow;
        for (var i = 0; i < births.Count; i++)
        {
            Assert.InRange(births[i].Ts - offsets[i], before - TimeSpan.FromMilliseconds(50), after + TimeSpan.FromMilliseconds(50));
        }

        await simulator.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(loggers.Errors);
        Directory.Delete(data, recursive: true);
    }
}
