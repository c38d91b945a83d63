using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Audio.Arbiter;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Simulation;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Tests.Audio.Playout;

/// <summary>
/// One simulated node's playout on fake true time: its own drifting clock, a virtual DAC on that clock (behind a fault
/// injector and a <see cref="TimelineRecorder"/>), the arbiter and the engine. The test steps the engine and lets true
/// time pass only while the DAC makes a write wait, so a run of seconds takes milliseconds and every figure is exact.
/// </summary>
internal sealed class PlayoutRig : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    private readonly List<TimelineRecorder> _opened = [];
    private readonly List<ArbiterReport> _reports = [];

    public PlayoutRig(TimeSpan clockOffset, double driftPpm, FakeTimeProvider? truth = null, PlayoutOptions? options = null)
    {
        Truth = truth ?? new FakeTimeProvider(Start);
        NodeClock = new SimulatedNodeClock(Truth, clockOffset, driftPpm);
        ControllerTime = new TrueControllerTime(Truth);
        Engine = new PlayoutEngine(Open, ControllerTime, new Arbiter((_, _) => true), NodeClock, options);
        Engine.SinkFault += (_, e) => SinkFaults.Add(e.Fault);
    }

    public FakeTimeProvider Truth { get; }

    public SimulatedNodeClock NodeClock { get; }

    public TrueControllerTime ControllerTime { get; }

    public PlayoutEngine Engine { get; }

    /// <summary>The sinks the engine opened, newest last.</summary>
    public IReadOnlyList<TimelineRecorder> Opened => _opened;

    public TimelineRecorder Recorder => _opened[^1];

    public VirtualDacSink Dac { get; private set; } = null!;

    public FaultInjectingSink Faults { get; private set; } = null!;

    /// <summary>When true the next open fails as a device that is not there.</summary>
    public bool DeviceMissing { get; set; }

    public List<AudioSinkFault> SinkFaults { get; } = [];

    /// <summary>Every report the engine gave so far.</summary>
    public IReadOnlyList<ArbiterReport> Reports
    {
        get
        {
            while (Engine.Reports.TryRead(out var report))
            {
                _reports.Add(report);
            }

            return _reports;
        }
    }

    /// <summary>Opens the engine's sink once, as it would at its first block (so a test can arm a fault first).</summary>
    public Task OpenAsync() => RunBlocksAsync(1);

    /// <summary>Steps the engine until true time reaches <paramref name="trueInstant"/>.</summary>
    public Task RunUntilAsync(DateTimeOffset trueInstant) => Task.Run(async () =>
    {
        while (Truth.GetUtcNow() < trueInstant)
        {
            await StepAsync();
        }
    });

    /// <summary>Steps the engine <paramref name="count"/> times.</summary>
    public Task RunBlocksAsync(int count) => Task.Run(async () =>
    {
        for (var i = 0; i < count; i++)
        {
            await StepAsync();
        }
    });

    public void Dispose() => Engine.Dispose();

    /// <summary>
    /// One block. Off the test's synchronisation context, so the DAC's wait completes inside <c>Advance</c> and time
    /// moves only while the device is full — by 1 ms, a tenth of a block, so the DAC never runs dry meanwhile.
    /// </summary>
    private async Task StepAsync()
    {
        var step = Engine.StepAsync(CancellationToken.None);
        while (!step.IsCompleted)
        {
            Truth.Advance(TimeSpan.FromMilliseconds(1));
        }

        await step;
    }

    private TimelineRecorder Open()
    {
        if (DeviceMissing)
        {
            throw new AudioSinkException(AudioSinkFault.DeviceGone, "no such device (test)");
        }

        Dac = new VirtualDacSink(new VirtualDacOptions { NodeId = "node-test" }, NodeClock);
        Faults = new FaultInjectingSink(Dac, NodeClock);
        var recorder = new TimelineRecorder(Faults);
        _opened.Add(recorder);
        return recorder;
    }
}
