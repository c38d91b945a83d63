using System.Threading.Channels;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.Node.Tests;

/// <summary>Two brokers, bad links, and a primary that comes and goes: where the node connects, and what the wire sees.</summary>
public sealed class NodeAgentFailoverTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 6, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<NodeAgent> _logger = new();
    private readonly List<NodeAgent> _agents = [];
    private TestBroker _primary = null!;
    private TestBroker _backup = null!;
    private MessageRecorder _onPrimary = null!;
    private MessageRecorder _onBackup = null!;

    public async Task InitializeAsync()
    {
        _primary = await TestBroker.StartAsync();
        _backup = await TestBroker.StartAsync();
        _onPrimary = await MessageRecorder.StartAsync(_primary);
        _onBackup = await MessageRecorder.StartAsync(_backup);
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _onPrimary.DisposeAsync();
        await _onBackup.DisposeAsync();
        await _primary.DisposeAsync();
        await _backup.DisposeAsync();
        Assert.Empty(_logger.Errors);
        Assert.Empty(_primary.Errors);
        Assert.Empty(_backup.Errors);
    }

    [Fact]
    public async Task Fails_over_stays_while_the_primary_flaps_returns_after_three_healthy_probes_without_a_death_and_fails_over_again()
    {
        // Closed, not Refuse: the failback probe is a bare TCP connect, which an accept-then-reset would satisfy.
        await using var primaryPort = new LoopbackTcpProxy(_primary.Port);
        primaryPort.NewConnections = NewConnectionMode.Closed;
        var leftBackup = new TaskCompletionSource<MqttClientDisconnectType>(TaskCreationOptions.RunContinuationsAsynchronously);
        _backup.Server.ClientDisconnectedAsync += e =>
        {
            if (e.ClientId == "node-fb")
            {
                leftBackup.TrySetResult(e.DisconnectType);
            }

            return Task.CompletedTask;
        };
        var agent = CreateAgent("node-fb", [Endpoint(primaryPort.Port), Endpoint(_backup.Port)], initialBdSeq: 0);
        var probes = Channel.CreateUnbounded<bool>();
        agent.PrimaryProbed += reachable => probes.Writer.TryWrite(reachable);

        await agent.StartAsync(CancellationToken.None);
        var onBackup = (await _onBackup.WaitForAsync("node-fb", NodeMessageKind.Birth)).Decode<NodeBirth>();
        Assert.Equal(1, onBackup.BdSeq); // the refused primary consumed bdSeq 0
        Assert.Equal(1, agent.BrokerIndex);

        // Down, up, down, up, up: never three healthy probes in a row, so the node stays on the backup.
        foreach (var up in new[] { false, true, false, true, true })
        {
            SetReachable(primaryPort, up);
            Assert.Equal(up, await ProbeAsync(probes));
        }

        Assert.Equal(1, agent.BrokerIndex);
        Assert.True(agent.IsConnected);
        Assert.DoesNotContain(_onPrimary.Messages, m => m.IsFor("node-fb", NodeMessageKind.Birth));

        // The third healthy probe in a row: a planned move.
        Assert.True(await ProbeAsync(probes));
        var back = await _onPrimary.WaitForAsync("node-fb", NodeMessageKind.Birth);
        var birth = back.Decode<NodeBirth>();
        Assert.Equal(2, birth.BdSeq);
        Assert.Equal(0, birth.Seq);
        var health = (await _onPrimary.WaitForAsync("node-fb", NodeMessageKind.Health, back.Index)).Decode<NodeHealth>();
        Assert.Equal(0, health.Link.Broker);
        Assert.Equal(0, agent.BrokerIndex);
        Assert.Equal(MqttClientDisconnectType.Clean, await leftBackup.Task.WaitAsync(Timeout));

        // The backup's subscribers saw no death: no goodbye, and the clean DISCONNECT discarded the Will.
        await _onBackup.PublishAsync("sl/v1/test/marker", [1]);
        await _onBackup.WaitForAsync(m => m.Topic == "sl/v1/test/marker");
        Assert.DoesNotContain(_onBackup.Messages, m => m.IsFor("node-fb", NodeMessageKind.Death));

        // The primary fails again: ordinary failover, the Will on the primary, a new session on the backup.
        var beforeLoss = _onBackup.Count;
        primaryPort.NewConnections = NewConnectionMode.Closed;
        primaryPort.CutAll();
        var will = (await _onPrimary.WaitForAsync("node-fb", NodeMessageKind.Death)).Decode<NodeDeath>();
        Assert.Equal(DeathReason.Lost, will.Reason);
        Assert.Equal(2, will.BdSeq);
        var again = (await _onBackup.WaitForAsync("node-fb", NodeMessageKind.Birth, beforeLoss)).Decode<NodeBirth>();
        Assert.Equal(4, again.BdSeq); // 3 was the refused retry of the primary
        Assert.Equal(1, agent.BrokerIndex);
    }

    [Fact]
    public async Task A_broker_that_refuses_the_connection_is_logged_with_its_reason_and_failed_over()
    {
        _primary.Server.ValidatingConnectionAsync += e =>
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            return Task.CompletedTask;
        };
        var agent = CreateAgent("node-rf", [Endpoint(_primary.Port), Endpoint(_backup.Port)], initialBdSeq: 5);

        await agent.StartAsync(CancellationToken.None);

        var birth = (await _onBackup.WaitForAsync("node-rf", NodeMessageKind.Birth)).Decode<NodeBirth>();
        Assert.Equal(6, birth.BdSeq);
        Assert.Equal(1, agent.BrokerIndex);
        Assert.Contains(_logger.Warnings, w => w.Contains("refused the connection", StringComparison.Ordinal) && w.Contains("NotAuthorized", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broker_that_accepts_tcp_but_never_answers_connect_is_given_up_after_the_connect_timeout()
    {
        await using var silent = new LoopbackTcpProxy(_primary.Port) { NewConnections = NewConnectionMode.BlackHole };
        var agent = CreateAgent("node-si", [Endpoint(silent.Port), Endpoint(_backup.Port)], initialBdSeq: 0);

        await agent.StartAsync(CancellationToken.None);
        await silent.WaitForBlackHoledAsync("node-si", Timeout);
        _time.Advance(ConnectTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, agent.Connections);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await _onBackup.WaitForAsync("node-si", NodeMessageKind.Birth);
        Assert.Equal(1, silent.BlackHoledConnections);
        Assert.Equal(1, agent.BrokerIndex);
        Assert.Contains(_logger.Warnings, w => w.Contains("no CONNACK within", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Half_a_connack_then_a_reset_is_a_failed_attempt_not_a_crash()
    {
        // Stalled until the cut is armed: the CONNECT is held at the proxy, so no CONNACK can come back before.
        await using var broken = new LoopbackTcpProxy(_primary.Port);
        broken.Stall();
        var agent = CreateAgent("node-hc", [Endpoint(broken.Port), Endpoint(_backup.Port)], initialBdSeq: 0);

        await agent.StartAsync(CancellationToken.None);
        var connection = await broken.WaitForConnectionAsync("node-hc", Timeout);
        var halfConnack = connection.CutMidPacket(LinkDirection.Downstream);
        broken.Resume();
        await halfConnack.WaitAsync(Timeout);

        await _onBackup.WaitForAsync("node-hc", NodeMessageKind.Birth);
        Assert.Equal(1, broken.AcceptedConnections);
        Assert.Equal(1, agent.BrokerIndex);
    }

    [Fact]
    public async Task Half_a_packet_then_a_reset_mid_session_ends_in_a_new_session()
    {
        await using var link = new LoopbackTcpProxy(_backup.Port);
        var agent = CreateAgent("node-hp", [Endpoint(link.Port)], initialBdSeq: 30);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        var cut = link.CutMidPacket(LinkDirection.Downstream);
        await _onBackup.PublishAsync(
            Topics.ForNode("node-hp", NodeMessageKind.EventAck), WireCodec.Encode(new EventAck { NodeId = "node-hp", Ids = ["0123456789abcdef0123456789abcdef"] }));
        await cut.WaitAsync(Timeout);

        var will = (await _onBackup.WaitForAsync("node-hp", NodeMessageKind.Death)).Decode<NodeDeath>();
        Assert.Equal(30, will.BdSeq);
        var rebirth = (await _onBackup.WaitForAsync(m => m.IsFor("node-hp", NodeMessageKind.Birth) && m.Decode<NodeBirth>().BdSeq == 31)).Decode<NodeBirth>();
        Assert.Equal(0, rebirth.Seq);
        Assert.Equal(0, agent.RejectedMessages);
    }

    private static void SetReachable(LoopbackTcpProxy link, bool reachable) =>
        link.NewConnections = reachable ? NewConnectionMode.Forward : NewConnectionMode.Closed;

    private static BrokerEndpoint Endpoint(int port) => new() { Host = "127.0.0.1", Port = port };

    /// <summary>Moves the fake clock past the longest jittered probe interval and returns that probe's outcome.</summary>
    private async Task<bool> ProbeAsync(Channel<bool> probes)
    {
        _time.Advance(ProbeInterval * 1.2);
        return await probes.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
    }

    private NodeAgent CreateAgent(string nodeId, IReadOnlyList<BrokerEndpoint> brokers, int initialBdSeq)
    {
        var settings = new NodeAgentSettings
        {
            NodeId = nodeId,
            Zones = ["zone-1"],
            Brokers = brokers,
            KeepAlive = TimeSpan.FromSeconds(30),
            ReconnectWindow = TimeSpan.Zero,
            ReconnectBackoffCap = TimeSpan.Zero,
            FailbackProbeInterval = ProbeInterval,
            FailbackAfterHealthyProbes = 3,
            ConnectTimeout = ConnectTimeout,
            InitialBdSeq = initialBdSeq,
            RandomSeed = 1,
        };
        var agent = NodeComposer.Compose(settings, NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId)), _time, _logger);
        _agents.Add(agent);
        return agent;
    }
}
