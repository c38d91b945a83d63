using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Control;
using SmartLoudspeaker.Node.Control.Handlers;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests;

/// <summary>
/// The gate verifies and hands over; handlers run apart: a command whose handler is still at work holds up neither the
/// verification nor the start of the next one, and is acknowledged once, when it is done.
/// </summary>
public sealed class CommandDispatchTests : IDisposable
{
    private const string NodeId = "node-1";

    private readonly FakeTimeProvider _time = new(TestKeys.Now);
    private readonly TestKeys _keys = new();
    private readonly RecordingHost _host = new();
    private readonly BlockingHandler _slow = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SignedControl _control;
    private readonly Channel<bool> _processed = Channel.CreateUnbounded<bool>();

    public CommandDispatchTests()
    {
        _control = new SignedControl(
            NodeId, [], _keys.Root.PublicKey(), dataDirectory: null, trustSystemClock: true, _time, new ListLogger<SignedControl>(), _host, _ => [_slow]);
        _control.Processed += () => _processed.Writer.TryWrite(true);
    }

    [Fact]
    public async Task A_blocked_handler_does_not_stop_the_next_command_from_being_verified_and_started()
    {
        var running = _control.RunAsync(_stop.Token);
        Enqueue(InboundKind.KeyCertificate, _keys.Certificate(_keys.Controller));
        await NextProcessedAsync();

        var slow = _keys.Command("rebirth", NodeId);
        Enqueue(InboundKind.Command, _keys.Controller.Sign(slow));
        await _slow.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var emergency = _keys.Command("emergency-test", NodeId);
        Enqueue(InboundKind.Command, _keys.Controller.Sign(emergency));
        var first = await _host.NextAckAsync();
        Assert.Equal(emergency.Id, first.Id);
        Assert.Equal(CommandAckStatus.Done, first.Status);
        Assert.Contains(SignedControl.EmergencyTestEventKind, _host.Events);
        await NextProcessedAsync();

        // A resend while the slow one is still at work gets no answer of its own: the one ack follows when it is done.
        Enqueue(InboundKind.Command, _keys.Controller.Sign(_keys.Resend(slow, TestKeys.Now.AddSeconds(1))));
        await NextProcessedAsync();
        Assert.Equal(0, _host.UnreadAcks);

        _slow.Release.SetResult();
        var done = await _host.NextAckAsync();
        Assert.Equal(slow.Id, done.Id);
        Assert.Equal(CommandAckStatus.Done, done.Status);
        await NextProcessedAsync();

        // Done now: a resend is answered as before, and the handler is not run again.
        Enqueue(InboundKind.Command, _keys.Controller.Sign(_keys.Resend(slow, TestKeys.Now.AddSeconds(2))));
        var again = await _host.NextAckAsync();
        Assert.Equal((slow.Id, CommandAckStatus.Done), (again.Id, again.Status));
        Assert.Equal(1, _slow.Runs);

        await _stop.CancelAsync();
        await running;
    }

    public void Dispose()
    {
        _control.Dispose();
        _keys.Dispose();
        _stop.Dispose();
    }

    private void Enqueue(InboundKind kind, byte[] payload) => Assert.True(_control.TryEnqueue(kind, "test", payload));

    private async Task NextProcessedAsync() => await _processed.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Stands in for a slow command (a relay test, a media fetch): "rebirth" that waits until the test lets it go.</summary>
    private sealed class BlockingHandler : ICommandHandler
    {
        private int _runs;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Runs => Volatile.Read(ref _runs);

        public string Type => "rebirth";

        public async Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            Started.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return started with { Status = CommandAckStatus.Done };
        }
    }

    private sealed class RecordingHost : INodeControlHost
    {
        private readonly Channel<CommandAck> _acks = Channel.CreateUnbounded<CommandAck>();
        private readonly ConcurrentQueue<string> _events = new();

        public int UnreadAcks => _acks.Reader.Count;

        public IReadOnlyCollection<string> Events => [.. _events];

        public async Task<CommandAck> NextAckAsync() => await _acks.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        public Task<bool> PublishAckAsync(CommandAck ack, CancellationToken cancellationToken) => Task.FromResult(_acks.Writer.TryWrite(ack));

        public Task RaiseEventAsync(string kind, EventSeverity severity, string? code, string? text)
        {
            _events.Enqueue(kind);
            return Task.CompletedTask;
        }

        public NodeIdentity Describe(bool clockTrusted, long commandHighWater) => throw new NotSupportedException();

        public void Rebirth() => throw new NotSupportedException();

        public void SetHeartbeat(TimeSpan interval) => throw new NotSupportedException();

        public string PrepareNewIdentity(string commandId) => throw new NotSupportedException();

        public ValueTask<ClockHealth?> ReadSystemClockAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<ClockHealth?>(new ClockHealth { Synced = true, Source = "ntp" });
    }
}
