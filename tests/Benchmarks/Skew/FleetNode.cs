using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Simulation;
using SmartLoudspeaker.Node.Time;
using ArbiterCore = SmartLoudspeaker.Node.Audio.Arbiter.Arbiter;

namespace SmartLoudspeaker.Benchmarks.Skew;

/// <summary>
/// One simulated node of the skew benchmark: its drifting clock, its clock-sync exchanges on the node's own schedule
/// (<see cref="ClockSyncSchedule.NextInterval"/>, as NodeAgent runs it: the wait is chosen when a request goes out,
/// before its reply), the estimator they feed, and the playout engine writing to an in-memory virtual DAC on that clock.
/// The fleet's driver lets true time pass; the node handles what fell due and keeps its engine stepping.
/// </summary>
internal sealed class FleetNode : IDisposable
{
    private readonly SimulatedSyncPath? _path;
    private readonly string _id;
    private Task _step = Task.CompletedTask;
    private TimeSpan _wait = TimeSpan.Zero;
    private (ClockObservation Observation, DateTimeOffset Arrival)? _reply;

    public FleetNode(int index, TimeProvider truth, TimeSpan offset, double driftPpm, SkewScenario scenario, int seed)
    {
        _id = "node-" + index;
        Clock = new SimulatedNodeClock(truth, offset, driftPpm);
        IControllerTime time = scenario.Synced ? new EstimatedControllerTime(Estimator, Clock) : new OwnClockControllerTime(Clock);
        _path = scenario.Synced ? new SimulatedSyncPath(Clock, scenario, seed) : null;
        NextRequest = scenario.Synced ? truth.GetUtcNow() : DateTimeOffset.MaxValue;
        Engine = new PlayoutEngine(OpenDac, time, new ArbiterCore((_, _) => true), Clock);
    }

    public SimulatedNodeClock Clock { get; }

    public MinDelayClockEstimator Estimator { get; } = new();

    public PlayoutEngine Engine { get; }

    /// <summary>The DAC the engine opened; null until its first block.</summary>
    public VirtualDacSink? Dac { get; private set; }

    /// <summary>Replies taken (exchanges completed).</summary>
    public int Exchanges { get; private set; }

    /// <summary>The wait the schedule chose last: once settled, the node's sync interval.</summary>
    public TimeSpan Interval => _wait;

    /// <summary>True instant the next request goes out (never without sync).</summary>
    public DateTimeOffset NextRequest { get; private set; }

    /// <summary>The earliest true instant at which this node has sync work to do.</summary>
    public DateTimeOffset NextSyncEvent => _reply is { } reply && reply.Arrival < NextRequest ? reply.Arrival : NextRequest;

    /// <summary>Sends and takes, in order, what clock-sync work fell due by true instant <paramref name="now"/>.</summary>
    public void Sync(DateTimeOffset now)
    {
        while (NextSyncEvent <= now)
        {
            if (_reply is { } reply && reply.Arrival <= NextRequest)
            {
                Estimator.Add(reply.Observation);
                Exchanges++;
                _reply = null;
                continue;
            }

            // A request still unanswered is replaced, as ControllerClock does: its late reply would be refused.
            var sent = NextRequest;
            _reply = _path!.Exchange(sent);
            _wait = ClockSyncSchedule.NextInterval(Estimator.Current, _wait);
            NextRequest = Clock.ToTrueTime(Clock.ToNodeTime(sent) + _wait);
        }
    }

    /// <summary>Steps the engine while its writes complete at once; returns when one waits for the DAC (true time must pass).</summary>
    public void Pump()
    {
        while (_step.IsCompleted)
        {
            _step.GetAwaiter().GetResult();
            _step = Engine.StepAsync(CancellationToken.None).AsTask();
        }
    }

    public void Dispose() => Engine.Dispose();

    private VirtualDacSink OpenDac()
    {
        Dac = new VirtualDacSink(new VirtualDacOptions { NodeId = _id }, Clock);
        return Dac;
    }
}
