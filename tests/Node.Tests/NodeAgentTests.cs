using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.Node.Tests;

public sealed class NodeAgentTests : IAsyncLifetime
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 6, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<NodeAgent> _logger = new();
    private readonly List<NodeAgent> _agents = [];
    private TestBroker _broker = null!;
    private MessageRecorder _recorder = null!;

    public async Task InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        _recorder = await MessageRecorder.StartAsync(_broker);
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _recorder.DisposeAsync();
        await _broker.DisposeAsync();
        Assert.Empty(_logger.Errors);
        Assert.Empty(_broker.Errors);
    }

    [Fact]
    public async Task Publishes_birth_with_seq_0_then_health_then_health_every_heartbeat()
    {
        var agent = CreateAgent("node-a", Broker(_broker.Port), initialBdSeq: 7);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        var birthMessage = await _recorder.WaitForAsync("node-a", NodeMessageKind.Birth);
        var birth = birthMessage.Decode<NodeBirth>();
        Assert.Equal(0, birth.Seq);
        Assert.Equal(7, birth.BdSeq);
        Assert.Equal(7, agent.BdSeq);
        Assert.Equal("node-a", birth.NodeId);
        Assert.Equal(["zone-1"], birth.Zones);
        Assert.Equal(30, birth.HeartbeatSeconds);
        Assert.Contains("health", birth.Capabilities);
        Assert.Contains("events", birth.Capabilities);
        Assert.True(birth.Hardware.Simulated);
        Assert.False(string.IsNullOrWhiteSpace(birth.Software));
        Assert.True(agent.IsConnected);

        var first = await _recorder.WaitForAsync("node-a", NodeMessageKind.Health);
        Assert.True(first.Index > birthMessage.Index);
        var firstHealth = first.Decode<NodeHealth>();
        Assert.Equal(1, firstHealth.Seq);
        Assert.Equal(7, firstHealth.BdSeq);
        Assert.Equal(LinkType.Loopback, firstHealth.Link.Type);
        Assert.Equal(0, firstHealth.Link.Broker);
        Assert.Equal(1, firstHealth.Link.Connections);
        Assert.Equal("simulated", firstHealth.Clock.Source);

        _time.Advance(Heartbeat);
        var second = (await _recorder.WaitForAsync("node-a", NodeMessageKind.Health, first.Index + 1)).Decode<NodeHealth>();
        Assert.Equal(2, second.Seq);
        Assert.Equal(30, second.UptimeSeconds);
    }

    [Fact]
    public async Task Clean_stop_publishes_shutdown_death_and_the_broker_sends_no_will()
    {
        var disconnected = new TaskCompletionSource<MQTTnet.Server.MqttClientDisconnectType>(TaskCreationOptions.RunContinuationsAsynchronously);
        _broker.Server.ClientDisconnectedAsync += e =>
        {
            if (e.ClientId == "node-b")
            {
                disconnected.TrySetResult(e.DisconnectType);
            }

            return Task.CompletedTask;
        };
        var agent = CreateAgent("node-b", Broker(_broker.Port), initialBdSeq: 3);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        await agent.StopAsync(CancellationToken.None).WaitAsync(Timeout);

        var death = (await _recorder.WaitForAsync("node-b", NodeMessageKind.Death)).Decode<NodeDeath>();
        Assert.Equal(DeathReason.Shutdown, death.Reason);
        Assert.Equal(3, death.BdSeq);
        Assert.Equal(MQTTnet.Server.MqttClientDisconnectType.Clean, await disconnected.Task.WaitAsync(Timeout));
        Assert.False(agent.IsConnected);

        // A marker published after the disconnect: had the broker sent the Will, it would have arrived before it.
        await _recorder.PublishAsync("sl/v1/test/marker", [1]);
        var marker = await _recorder.WaitForAsync(m => m.Topic == "sl/v1/test/marker");
        Assert.Single(_recorder.Messages.Take(marker.Index), m => m.IsFor("node-b", NodeMessageKind.Death));
    }

    [Fact]
    public async Task Abrupt_connection_loss_fires_the_will_then_reconnects_with_next_bdseq_and_a_new_birth()
    {
        await using var link = new LoopbackTcpProxy(_broker.Port);
        var agent = CreateAgent("node-c", Broker(link.Port), initialBdSeq: 255, connectTimeout: TimeSpan.FromSeconds(60));
        await agent.StartAsync(CancellationToken.None);
        var firstBirth = (await _recorder.WaitForAsync("node-c", NodeMessageKind.Birth)).Decode<NodeBirth>();
        Assert.Equal(255, firstBirth.BdSeq);

        // The node's reconnect is held at the link until the Will is out: under load a node back at once took over
        // its session before the broker had noticed the cut, and no Will came at all.
        link.Stall();
        link.CutAll();

        var will = (await _recorder.WaitForAsync("node-c", NodeMessageKind.Death)).Decode<NodeDeath>();
        Assert.Equal(DeathReason.Lost, will.Reason);
        Assert.Equal(255, will.BdSeq);
        link.Resume();
        var rebirth = await _recorder.WaitForAsync(m => m.IsFor("node-c", NodeMessageKind.Birth) && m.Decode<NodeBirth>().BdSeq == 0);
        Assert.Equal(0, rebirth.Decode<NodeBirth>().Seq);
        var health = (await _recorder.WaitForAsync("node-c", NodeMessageKind.Health, rebirth.Index)).Decode<NodeHealth>();
        Assert.Equal(0, health.BdSeq);
        Assert.Equal(1, health.Seq);
        Assert.Equal(2, health.Link.Connections);
        Assert.Equal(0, agent.BdSeq);
    }

    [Fact]
    public async Task Fails_over_to_the_second_broker_when_the_first_is_dead()
    {
        var deadPort = ClosedPort();
        var agent = CreateAgent("node-d", [new BrokerEndpoint { Host = "127.0.0.1", Port = deadPort }, new BrokerEndpoint { Host = "127.0.0.1", Port = _broker.Port }], initialBdSeq: 0);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        var birth = (await _recorder.WaitForAsync("node-d", NodeMessageKind.Birth)).Decode<NodeBirth>();
        Assert.Equal(1, birth.BdSeq); // one failed attempt consumed bdSeq 0
        Assert.Equal(1, agent.BrokerIndex);
        var health = (await _recorder.WaitForAsync("node-d", NodeMessageKind.Health)).Decode<NodeHealth>();
        Assert.Equal(1, health.Link.Broker);
        Assert.Contains(_logger.Warnings, w => w.Contains("cannot connect", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rebirths_when_a_new_controller_instance_comes_online_but_not_for_the_retained_one()
    {
        await _recorder.PublishAsync(Topics.ControllerState, ControllerStatePayload("ctl-1"), retain: true);
        var agent = CreateAgent("node-e", Broker(_broker.Port), initialBdSeq: 9);
        await agent.StartAsync(CancellationToken.None);
        var firstHealth = await _recorder.WaitForAsync("node-e", NodeMessageKind.Health);
        _time.Advance(Heartbeat);
        var secondHealth = await _recorder.WaitForAsync("node-e", NodeMessageKind.Health, firstHealth.Index + 1);
        Assert.Single(_recorder.Messages.Take(secondHealth.Index), m => m.IsFor("node-e", NodeMessageKind.Birth));

        await _recorder.PublishAsync(Topics.ControllerState, ControllerStatePayload("ctl-2"), retain: true);

        var rebirth = await _recorder.WaitForAsync("node-e", NodeMessageKind.Birth, secondHealth.Index + 1);
        var birth = rebirth.Decode<NodeBirth>();
        Assert.Equal(0, birth.Seq);
        Assert.Equal(9, birth.BdSeq);
        var health = (await _recorder.WaitForAsync("node-e", NodeMessageKind.Health, rebirth.Index)).Decode<NodeHealth>();
        Assert.Equal(1, health.Seq);

        // The same instance again (e.g. a repeated retained publish) is not a new controller.
        await _recorder.PublishAsync(Topics.ControllerState, ControllerStatePayload("ctl-2"), retain: true);
        await _recorder.PublishAsync(Topics.ControllerState, ControllerStatePayload("ctl-3", online: false), retain: true);
        _time.Advance(Heartbeat);
        var later = await _recorder.WaitForAsync("node-e", NodeMessageKind.Health, rebirth.Index + 2);
        Assert.Equal(2, _recorder.Messages.Take(later.Index).Count(m => m.IsFor("node-e", NodeMessageKind.Birth)));
    }

    [Fact]
    public async Task Events_are_resent_on_reconnect_until_acknowledged()
    {
        await using var link = new LoopbackTcpProxy(_broker.Port);
        var agent = CreateAgent("node-f", Broker(link.Port), initialBdSeq: 20);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        var id = await agent.RaiseEventAsync("fault.raised", EventSeverity.Fault, "overheat", "SoC at 82 °C");
        var sent = await _recorder.WaitForAsync("node-f", NodeMessageKind.Event);
        var first = sent.Decode<NodeEvent>();
        Assert.Equal(id, first.Id);
        Assert.Equal(32, id.Length);
        Assert.Equal(20, first.BdSeq);
        Assert.Equal(EventSeverity.Fault, first.Severity);
        Assert.Equal("overheat", first.Code);
        Assert.Equal(1, agent.PendingEvents);

        link.CutAll();
        var rebirth = await _recorder.WaitForAsync(m => m.IsFor("node-f", NodeMessageKind.Birth) && m.Decode<NodeBirth>().BdSeq == 21);
        var resent = (await _recorder.WaitForAsync("node-f", NodeMessageKind.Event, rebirth.Index)).Decode<NodeEvent>();
        Assert.Equal(id, resent.Id);
        Assert.Equal(21, resent.BdSeq); // the session that resends it
        Assert.Equal(first.Ts, resent.Ts);

        await _recorder.PublishAsync(Topics.ForNode("node-f", NodeMessageKind.EventAck), WireCodec.Encode(new EventAck { NodeId = "node-f", Ids = [id] }));
        await RebirthBarrierAsync("node-f");
        Assert.Equal(0, agent.PendingEvents);

        var beforeCut = _recorder.Count;
        link.CutAll();
        var nextBirth = await _recorder.WaitForAsync(m => m.IsFor("node-f", NodeMessageKind.Birth) && m.Decode<NodeBirth>().BdSeq == 22, beforeCut);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);
        _time.Advance(Heartbeat);
        var health = await _recorder.WaitForAsync(m => m.IsFor("node-f", NodeMessageKind.Health) && m.Decode<NodeHealth>().Seq == 2, nextBirth.Index);
        Assert.DoesNotContain(_recorder.Messages.Skip(nextBirth.Index).Take(health.Index - nextBirth.Index), m => m.IsFor("node-f", NodeMessageKind.Event));
    }

    [Fact]
    public async Task Events_raised_before_connecting_are_sent_after_the_birth_and_first_health()
    {
        var agent = CreateAgent("node-i", Broker(_broker.Port), initialBdSeq: 40);
        var id = await agent.RaiseEventAsync("node.started", EventSeverity.Info, null, null);
        Assert.False(agent.IsConnected);

        await agent.StartAsync(CancellationToken.None);

        var sent = await _recorder.WaitForAsync("node-i", NodeMessageKind.Event);
        var message = sent.Decode<NodeEvent>();
        Assert.Equal(id, message.Id);
        Assert.Equal(40, message.BdSeq);
        Assert.Equal(2, message.Seq);
        Assert.Equal(["birth", "health", "event"], _recorder.Messages.Take(sent.Index + 1)
            .Where(m => m.Topic.StartsWith("sl/v1/node/node-i/", StringComparison.Ordinal))
            .Select(m => m.Topic.Split('/')[^1]));
    }

    [Fact]
    public async Task Malformed_oversized_and_unknown_version_payloads_are_counted_and_ignored()
    {
        var agent = CreateAgent("node-g", Broker(_broker.Port), initialBdSeq: 1);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);
        var evack = Topics.ForNode("node-g", NodeMessageKind.EventAck);

        await _recorder.PublishAsync(evack, Encoding.UTF8.GetBytes("not json"));
        await _recorder.PublishAsync(evack, Encoding.UTF8.GetBytes("{\"v\":1,\"ids\":[]}"));
        await _recorder.PublishAsync(evack, new byte[WireSchema.MaxJsonPayloadBytes + 1]);
        await _recorder.PublishAsync(Topics.ControllerState, Encoding.UTF8.GetBytes("{\"v\":99,\"online\":true,\"instance\":\"x\",\"ts\":\"2025-01-01T00:00:00Z\"}"));
        await _recorder.PublishAsync(Topics.ControllerState, Encoding.UTF8.GetBytes("{\"v\":1,\"online\":true}"));
        await _recorder.PublishAsync(Topics.ControllerState, Encoding.UTF8.GetBytes("[1,2"));
        await RebirthBarrierAsync("node-g");

        Assert.Equal(6, agent.RejectedMessages);
        Assert.Equal(6, _logger.Warnings.Count(w => w.Contains("ignored message on", StringComparison.Ordinal)));
        Assert.Contains(_logger.Warnings, w => w.Contains(evack, StringComparison.Ordinal));
        Assert.True(agent.IsConnected);

        var before = _recorder.Count;
        _time.Advance(Heartbeat);
        await _recorder.WaitForAsync("node-g", NodeMessageKind.Health, before);
    }

    [Fact]
    public async Task Stop_before_any_connection_returns_promptly()
    {
        var agent = CreateAgent("node-h", Broker(ClosedPort()), initialBdSeq: 0);
        await agent.StartAsync(CancellationToken.None);
        await agent.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.False(agent.IsConnected);
    }

    [Fact]
    public void Invalid_settings_are_refused_with_every_problem_named()
    {
        var settings = new NodeAgentSettings
        {
            NodeId = "Bad Id",
            Zones = [],
            Brokers = [],
            FailbackProbeInterval = TimeSpan.FromMilliseconds(500),
            FailbackAfterHealthyProbes = 0,
            OutboxCapacity = 0,
            DataDirectory = " ",
        };
        var error = Assert.Throws<ArgumentException>(() => NodeComposer.Compose(settings, NodeDrivers.Simulated(1), _time, _logger));
        Assert.Contains("NodeId", error.Message, StringComparison.Ordinal);
        Assert.Contains("Zones", error.Message, StringComparison.Ordinal);
        Assert.Contains("Brokers", error.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid setting FailbackProbeInterval = 00:00:00.5000000: must be between 00:00:01 and 1.00:00:00.", error.Message, StringComparison.Ordinal);
        Assert.Contains("FailbackAfterHealthyProbes", error.Message, StringComparison.Ordinal);
        Assert.Contains("OutboxCapacity", error.Message, StringComparison.Ordinal);
        Assert.Contains("DataDirectory", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Announces a brand-new controller and waits for the node's rebirth: everything the test published before on
    /// the same connection has then been handled by the node (MQTT keeps one publisher's order).
    /// </summary>
    private async Task RebirthBarrierAsync(string nodeId)
    {
        var before = _recorder.Count;
        await _recorder.PublishAsync(Topics.ControllerState, ControllerStatePayload("barrier-" + Guid.NewGuid().ToString("N")[..8]));
        await _recorder.WaitForAsync(nodeId, NodeMessageKind.Birth, before);
    }

    private static byte[] ControllerStatePayload(string instance, bool online = true) =>
        WireCodec.Encode(new ControllerState { Online = online, Instance = instance, Ts = DateTimeOffset.UnixEpoch });

    private static BrokerEndpoint[] Broker(int port) => [new BrokerEndpoint { Host = "127.0.0.1", Port = port }];

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private NodeAgent CreateAgent(string nodeId, IReadOnlyList<BrokerEndpoint> brokers, int initialBdSeq, TimeSpan? connectTimeout = null)
    {
        var settings = new NodeAgentSettings
        {
            NodeId = nodeId,
            Zones = ["zone-1"],
            Brokers = brokers,
            Heartbeat = Heartbeat,
            KeepAlive = TimeSpan.FromSeconds(30),
            ReconnectWindow = TimeSpan.Zero,
            ReconnectBackoffCap = TimeSpan.Zero,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(5),
            InitialBdSeq = initialBdSeq,
            RandomSeed = 1,
        };
        var agent = NodeComposer.Compose(settings, NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId)), _time, _logger);
        _agents.Add(agent);
        return agent;
    }
}
