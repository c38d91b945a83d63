using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Simulation;

namespace SmartLoudspeaker.Node.Tests.Audio;

/// <summary>
/// The fault-injecting decorator over a virtual DAC: an injected xrun or lost device fails exactly the next write
/// without writing, and a stalled write reaches the device only after the stall on the node's clock.
/// </summary>
public sealed class FaultInjectingSinkTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _truth = new(Start);

    [Theory]
    [InlineData((int)AudioSinkFault.Xrun)]
    [InlineData((int)AudioSinkFault.DeviceGone)]
    public async Task An_injected_fault_fails_only_the_next_write_and_writes_nothing(int faultValue)
    {
        var fault = (AudioSinkFault)faultValue;
        var (sink, dac) = Build(driftPpm: 0);
        using var _ = sink;

        sink.FailNextWrite(fault);
        var thrown = await Assert.ThrowsAsync<AudioSinkException>(() => sink.WriteAsync(new float[960], null, CancellationToken.None).AsTask());
        Assert.Equal(fault, thrown.Fault);
        Assert.Equal(0, dac.WrittenSamples);

        await sink.WriteAsync(new float[960], null, CancellationToken.None);
        Assert.Equal(960, dac.WrittenSamples);
        Assert.Equal(960, sink.Delay);
        Assert.Equal("virtual", sink.Name);
    }

    [Fact]
    public async Task A_stalled_write_reaches_the_device_after_the_stall_in_node_time()
    {
        var (sink, dac) = Build(driftPpm: 0);
        using var _ = sink;

        sink.StallNextWrite(TimeSpan.FromMilliseconds(50));
        var pending = sink.WriteAsync(new float[960], null, CancellationToken.None).AsTask();
        _truth.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(pending.IsCompleted);
        Assert.Equal(0, dac.WrittenSamples);

        _truth.Advance(TimeSpan.FromMilliseconds(1));
        await pending.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(50), Assert.Single(dac.Marks).TrueEmitTime);

        // One-shot: the next write goes through at once.
        var next = sink.WriteAsync(new float[960], null, CancellationToken.None);
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_fault_takes_precedence_and_the_stall_waits_for_the_following_write()
    {
        var (sink, dac) = Build(driftPpm: 0);
        using var _ = sink;
        sink.StallNextWrite(TimeSpan.FromMilliseconds(10));
        sink.FailNextWrite(AudioSinkFault.Xrun);

        await Assert.ThrowsAsync<AudioSinkException>(() => sink.WriteAsync(new float[960], null, CancellationToken.None).AsTask());
        var pending = sink.WriteAsync(new float[960], null, CancellationToken.None).AsTask();
        Assert.False(pending.IsCompleted);
        _truth.Advance(TimeSpan.FromMilliseconds(10));
        await pending.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
        Assert.Equal(960, dac.WrittenSamples);
    }

    [Fact]
    public async Task Nonsense_commands_are_refused_and_disposing_disposes_the_device()
    {
        var (sink, dac) = Build(driftPpm: 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => sink.StallNextWrite(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => sink.FailNextWrite((AudioSinkFault)42));

        sink.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => dac.WriteAsync(new float[1], null, CancellationToken.None).AsTask());
    }

    private (FaultInjectingSink Sink, VirtualDacSink Dac) Build(double driftPpm)
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm);
        var dac = new VirtualDacSink(new VirtualDacOptions { NodeId = "node-1" }, clock);
        return (new FaultInjectingSink(dac, clock), dac);
    }
}
