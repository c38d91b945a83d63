using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.Node.Tests;

/// <summary>What a node keeps in its data folder across a crash or a power cut: its unacknowledged events and its bdSeq.</summary>
public sealed class NodeAgentDurabilityTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 6, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<NodeAgent> _logger = new();
    private readonly List<NodeAgent> _agents = [];
    private readonly string _root = Directory.CreateTempSubdirectory("sl-node-data-").FullName;
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
        Directory.Delete(_root, recursive: true);
        Assert.Empty(_broker.Errors);
    }

    [Fact]
    public async Task After_a_power_cut_unacknowledged_events_are_resent_under_a_new_bdseq_and_forgotten_once_acknowledged()
    {
        var live = Path.Combine(_root, "live");
        var afterCut = Path.Combine(_root, "after-cut");
        await using var link = new LoopbackTcpProxy(_broker.Port);
        var before = CreateAgent(live, link.Port, initialBdSeq: 10);
        await before.StartAsync(CancellationToken.None);
        Assert.Equal(10, (await _recorder.WaitForAsync("node-p", NodeMessageKind.Birth)).Decode<NodeBirth>().BdSeq);
        var first = await before.RaiseEventAsync("fault.raised", EventSeverity.Fault, "overheat", "CPU 86.2 °C");
        await _recorder.WaitForAsync(m => m.IsFor("node-p", NodeMessageKind.Event) && m.Decode<NodeEvent>().Id == first);

        // A reconnect: bdSeq 11 is stored before that attempt, not only at start and stop.
        link.CutAll();
        await _recorder.WaitForAsync(m => m.IsFor("node-p", NodeMessageKind.Birth) && m.Decode<NodeBirth>().BdSeq == 11);
        var second = await before.RaiseEventAsync("fault.raised", EventSeverity.Warning, "mains-lost", null);

        // The power goes now: the next run sees only what is on disk at this instant.
        CopyDirectory(live, afterCut);
        await before.DisposeAsync();

        var after = CreateAgent(afterCut, _broker.Port, initialBdSeq: 0);
        Assert.Equal(2, after.PendingEvents);
        Assert.Equal(12, after.BdSeq);
        var fromIndex = _recorder.Count;
        await after.StartAsync(CancellationToken.None);
        var rebirth = await _recorder.WaitForAsync(m => m.IsFor("node-p", NodeMessageKind.Birth) && m.Decode<NodeBirth>().BdSeq == 12, fromIndex);
        await _recorder.WaitForAsync(m => m.IsFor("node-p", NodeMessageKind.Event) && m.Decode<NodeEvent>().Id == second, rebirth.Index);
        var resent = _recorder.Messages.Skip(rebirth.Index).Where(m => m.IsFor("node-p", NodeMessageKind.Event)).ToList();
        Assert.Equal([first, second], resent.Select(m => m.Decode<NodeEvent>().Id));
        Assert.All(resent, m => Assert.Equal(12, m.Decode<NodeEvent>().BdSeq));
        Assert.Equal("mains-lost", resent[1].Decode<NodeEvent>().Code);

        await _recorder.PublishAsync(Topics.ForNode("node-p", NodeMessageKind.EventAck), WireCodec.Encode(new EventAck { NodeId = "node-p", Ids = [first, second] }));
        await RebirthBarrierAsync("node-p");
        Assert.Equal(0, after.PendingEvents);

        // The process ends (disposed without StopAsync): the acknowledgement is kept, and the next run opens session 13.
        await after.DisposeAsync();
        var next = CreateAgent(afterCut, _broker.Port, initialBdSeq: 0);
        Assert.Equal(0, next.PendingEvents);
        Assert.Equal(13, next.BdSeq);
        Assert.Empty(_logger.Errors);
    }

    [Fact]
    public async Task A_damaged_outbox_is_moved_aside_and_the_node_still_starts()
    {
        var data = Path.Combine(_root, "damaged");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, EventJournal.FileName), "garbage\n{\"op\":\"ack\",\"ids\":[]}\n");

        var agent = CreateAgent(data, _broker.Port, initialBdSeq: 3);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(0, agent.PendingEvents);
        Assert.Single(Directory.GetFiles(data, EventJournal.FileName + ".corrupt-*"));
        Assert.Contains(_logger.Errors, e => e.Contains("moved to", StringComparison.Ordinal));
        await agent.RaiseEventAsync("node.started", EventSeverity.Info, null, null);
        Assert.Equal(1, agent.PendingEvents);
    }

    [Fact]
    public async Task An_unwritable_data_folder_leaves_the_outbox_in_memory_and_the_node_running()
    {
        var notAFolder = Path.Combine(_root, "file");
        await File.WriteAllTextAsync(notAFolder, "x");

        var agent = CreateAgent(notAFolder, _broker.Port, initialBdSeq: 4);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);
        await agent.RaiseEventAsync("node.started", EventSeverity.Info, null, null);

        await _recorder.WaitForAsync("node-p", NodeMessageKind.Event);
        Assert.Contains(_logger.Errors, e => e.Contains("in memory only", StringComparison.Ordinal));
        Assert.Contains(_logger.Warnings, w => w.Contains("cannot store bdSeq", StringComparison.Ordinal));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            // Shared read: the journal is still open for appending, as it would be when the power goes.
            using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var target = File.Create(Path.Combine(to, Path.GetFileName(file)));
            source.CopyTo(target);
        }
    }

    private async Task RebirthBarrierAsync(string nodeId)
    {
        var before = _recorder.Count;
        await _recorder.PublishAsync(
            Topics.ControllerState,
            WireCodec.Encode(new ControllerState { Online = true, Instance = "barrier-" + Guid.NewGuid().ToString("N")[..8], Ts = DateTimeOffset.UnixEpoch }));
        await _recorder.WaitForAsync(nodeId, NodeMessageKind.Birth, before);
    }

    private NodeAgent CreateAgent(string dataDirectory, int port, int initialBdSeq)
    {
        var settings = new NodeAgentSettings
        {
            NodeId = "node-p",
            Zones = ["zone-1"],
            Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = port }],
            ReconnectWindow = TimeSpan.Zero,
            ReconnectBackoffCap = TimeSpan.Zero,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            InitialBdSeq = initialBdSeq,
            DataDirectory = dataDirectory,
            RandomSeed = 1,
        };
        var agent = NodeComposer.Compose(settings, NodeDrivers.Simulated(SimulatedHealthSource.SeedFor("node-p")), _time, _logger);
        _agents.Add(agent);
        return agent;
    }
}
