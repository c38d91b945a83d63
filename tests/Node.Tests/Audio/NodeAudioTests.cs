using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Audio;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Simulation;
using SmartLoudspeaker.Node.Tests.Audio.Live;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Audio;

/// <summary>
/// A whole node with audio, through a real broker: signed "play-tone" and live streams come out of its virtual DAC on
/// the Controller's instant in true time, although the node's own clock is 1.2 s off; each play is reported as
/// "play.report" events; health says what sounds; a node without an audio output refuses sound commands.
/// </summary>
public sealed class NodeAudioTests : IAsyncLifetime, IDisposable
{
    private const string NodeId = "thon-audio-1";

    /// <summary>Four samples (83 µs): rounding, and the device delay counted in device samples.</summary>
    private static readonly TimeSpan FourSamples = TimeSpan.FromTicks(833);

    private readonly FakeTimeProvider _truth = new(TestKeys.Now);
    private readonly ListLogger<NodeAgent> _logger = new();
    private readonly TestKeys _keys = new();
    private readonly string _data = Directory.CreateTempSubdirectory("sl-node-audio-").FullName;
    private readonly SimulatedNodeClock _nodeClock;
    private readonly VirtualDacSink _dac;
    private TestBroker _broker = null!;
    private MessageRecorder _recorder = null!;
    private NodeAgent? _agent;

    public NodeAudioTests()
    {
        _nodeClock = new SimulatedNodeClock(_truth, TimeSpan.FromSeconds(1.2), driftPpm: 0);
        _dac = new VirtualDacSink(new VirtualDacOptions { NodeId = NodeId }, _nodeClock);
    }

    public async Task InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        _recorder = await MessageRecorder.StartAsync(_broker);
        await _recorder.PublishAsync(Topics.ForControllerKey(_keys.Controller.Kid), _keys.Certificate(_keys.Controller), retain: true);
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        await _recorder.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_data, recursive: true);
        Assert.Empty(_logger.Errors);
    }

    public void Dispose() => _keys.Dispose();

    [Fact]
    public async Task A_signed_test_tone_sounds_on_the_controllers_instant_and_is_reported_started_then_finished()
    {
        await StartSyncedAgentAsync();
        var startAt = _truth.GetUtcNow() + TimeSpan.FromSeconds(1);
        var tone = new PlayToneCommand { PlayId = "tone-1", StartAtUs = LiveAudioPacket.ToMicros(startAt), DurationMs = 500 };

        var ack = await SendAsync(tone);
        Assert.Equal(CommandAckStatus.Done, ack.Status);
        var started = WaitForReportAsync("tone-1", "started");
        await AdvanceAsync(TimeSpan.FromSeconds(1.1));
        await started;
        Assert.Equal("playing", (await HealthAsync()).State);

        var finished = WaitForReportAsync("tone-1", "finished");
        await AdvanceAsync(TimeSpan.FromSeconds(0.6));
        var report = await finished;

        Assert.StartsWith("play=tone-1 at=", report.Text, StringComparison.Ordinal);
        var emitted = _dac.TrueEmitTimeOf(startAt);
        Assert.NotNull(emitted);
        Assert.InRange((emitted.Value - startAt).Duration(), TimeSpan.Zero, FourSamples);
        Assert.Equal("idle", (await HealthAsync()).State);
        Assert.Contains(Capabilities.Audio, (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth)).Decode<NodeBirth>().Capabilities);
    }

    [Fact]
    public async Task A_stop_play_fades_a_sounding_tone_out_and_it_is_reported_finished_as_stopped()
    {
        await StartSyncedAgentAsync();
        var startAt = _truth.GetUtcNow() + TimeSpan.FromSeconds(0.5);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(new PlayToneCommand { PlayId = "tone-2", StartAtUs = LiveAudioPacket.ToMicros(startAt), DurationMs = 30_000 })).Status);
        var started = WaitForReportAsync("tone-2", "started");
        await AdvanceAsync(TimeSpan.FromSeconds(0.6));
        await started;

        Assert.Equal(CommandAckStatus.Done, (await SendAsync(new StopPlayCommand { PlayId = "tone-2" })).Status);
        var finished = WaitForReportAsync("tone-2", "finished");
        await AdvanceAsync(TimeSpan.FromSeconds(0.2));

        Assert.Contains("reason=stopped", (await finished).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_live_stream_plays_each_frame_at_its_timestamp_plus_the_delay_and_a_forged_packet_is_not_heard()
    {
        await StartSyncedAgentAsync();
        var stream = new LiveTestStream(packets: 20);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(LiveTestStream.Start())).Status);
        var topic = AudioTopics.ForNode(NodeId, LiveTestStream.StreamId);
        for (var i = 0; i < stream.Packets; i++)
        {
            await _recorder.PublishAsync(topic, stream.Signed(i, i == 10 ? _keys.Stranger : _keys.Controller));
        }

        // The packets cross the broker in real time; fake time may pass only once all are in, or late ones are late.
        await AllReceivedAsync(stream.Packets);
        var started = WaitForReportAsync(LiveTestStream.StreamId, "started");
        await AdvanceAsync(TimeSpan.FromMilliseconds(LiveTestStream.DelayMs + 1_400));
        await started;

        // Frame k is stamped first + k × 20 ms and comes out at that + the delay, on the Controller's clock.
        var firstTone = TestKeys.Now + TimeSpan.FromMilliseconds((LiveTestStream.SilentFrames * 20) + LiveTestStream.DelayMs);
        var emitted = _dac.TrueEmitTimeOf(firstTone);
        Assert.NotNull(emitted);
        Assert.InRange((emitted.Value - firstTone).Duration(), TimeSpan.Zero, FourSamples);
        Assert.Equal(1, _agent!.Audio!.LiveCounters.RefusedPackets[RefusalReasons.BadSignature]);
        Assert.Equal(stream.Packets - 1, _agent.Audio.LiveCounters.AcceptedPackets);
    }

    [Fact]
    public async Task A_node_without_an_audio_output_refuses_a_tone_as_no_audio_and_announces_no_audio()
    {
        _agent = NodeComposer.Compose(Settings(), NodeDrivers.Linux(_data), _nodeClock, _logger);
        await _agent.StartAsync(CancellationToken.None);
        var birth = (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth)).Decode<NodeBirth>();
        await AnswerClockAsync();

        var ack = await SendAsync(new PlayToneCommand { PlayId = "tone-3", DurationMs = 500 });

        Assert.Equal(CommandAckStatus.Failed, ack.Status);
        Assert.Equal(RefusalReasons.NoAudio, ack.Reason);
        Assert.DoesNotContain(Capabilities.Audio, birth.Capabilities);
        Assert.Null(_agent.Audio);
    }

    private async Task StartSyncedAgentAsync()
    {
        _agent = NodeComposer.Compose(Settings(), NodeDrivers.Simulated(1) with { AudioSink = _dac, Audio = new NodeAudioOptions { Volume = 100 } }, _nodeClock, _logger);
        await _agent.StartAsync(CancellationToken.None);
        await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth);
        await AnswerClockAsync();
    }

    /// <summary>Answers the node's first clock request as a Controller on true time; no fake time passes, so the estimate is exact.</summary>
    private async Task AnswerClockAsync()
    {
        var request = (await _recorder.WaitForAsync(NodeId, NodeMessageKind.TimeRequest)).Decode<ClockSyncRequest>();
        var control = _agent!.Control!;
        var synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Other payloads (the key certificate) are processed too; only the reply gives the clock an estimate.
        control.Processed += () =>
        {
            if (control.Clock.Read() is not null)
            {
                synced.TrySetResult();
            }
        };
        await _recorder.PublishAsync(Topics.ForNode(NodeId, NodeMessageKind.TimeReply), TestKeys.ClockReply(_keys.Controller, NodeId, request, _truth.GetUtcNow()));
        await synced.Task.WaitAsync(MessageRecorder.DefaultTimeout);
    }

    /// <summary>Lets true time pass in 5 ms steps, giving the node's threads (broker, reports) a moment between them.</summary>
    private async Task AdvanceAsync(TimeSpan span)
    {
        for (var passed = TimeSpan.Zero; passed < span; passed += TimeSpan.FromMilliseconds(5))
        {
            _truth.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Yield();
        }
    }

    /// <summary>Waits (real time, bounded) until the node's intake has taken or refused <paramref name="packets"/> packets.</summary>
    private async Task AllReceivedAsync(int packets)
    {
        var deadline = DateTime.UtcNow + MessageRecorder.DefaultTimeout;
        while (Counted() < packets)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {Counted()} of {packets} packets reached the node");
            await Task.Delay(10);
        }

        long Counted() => _agent!.Audio!.LiveCounters is var counters ? counters.AcceptedPackets + counters.RefusedPackets.Values.Sum() : 0;
    }

    private async Task<CommandAck> SendAsync(ICommandBody body)
    {
        var type = body switch
        {
            PlayToneCommand => CommandCatalog.NameOf<PlayToneCommand>(),
            StopPlayCommand => CommandCatalog.NameOf<StopPlayCommand>(),
            StreamStartCommand => CommandCatalog.NameOf<StreamStartCommand>(),
            _ => throw new ArgumentException("unsupported body in test", nameof(body)),
        };
        var command = _keys.Command(type, NodeId, body, ts: _truth.GetUtcNow());
        var start = _recorder.Count;
        await _recorder.PublishAsync(Topics.ForNode(NodeId, NodeMessageKind.Command), _keys.Controller.Sign(command));
        var ack = await _recorder.WaitForAsync(m => m.IsFor(NodeId, NodeMessageKind.CommandAck) && m.Decode<CommandAck>().Id == command.Id, start);
        return ack.Decode<CommandAck>();
    }

    private Task<NodeEvent> WaitForReportAsync(string playId, string code)
    {
        var start = _recorder.Count;
        return Task.Run(async () => (await _recorder.WaitForAsync(
            m => m.IsFor(NodeId, NodeMessageKind.Event) && m.Decode<NodeEvent>() is { Kind: NodeAudio.ReportEventKind } e && e.Code == code
                && e.Text!.StartsWith($"play={playId} ", StringComparison.Ordinal),
            start)).Decode<NodeEvent>());
    }

    private async Task<AudioHealth> HealthAsync()
    {
        var draft = new HealthReportDraft();
        await _agent!.Audio!.ContributeAsync(draft, CancellationToken.None);
        return draft.Audio!;
    }

    private NodeAgentSettings Settings() => new()
    {
        NodeId = NodeId,
        Zones = ["zone-1"],
        Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = _broker.Port }],
        Heartbeat = TimeSpan.FromSeconds(30),
        ReconnectWindow = TimeSpan.Zero,
        ReconnectBackoffCap = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RandomSeed = 1,
        DataDirectory = _data,
        RootPublicKey = _keys.Root.PublicKey(),
        TrustSynchronisedSystemClock = false,
    };
}
