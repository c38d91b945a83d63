using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Time;

/// <summary>
/// A Controller and a node on a path with jitter, in true seconds: the Controller's clock reads true time plus a step,
/// the node's monotonic clock runs slow by <c>driftPpm</c> and starts <c>offset</c> behind, so the Controller is ahead by
/// offset + drift × t. Each leg of an exchange takes a fixed delay plus uniform jitter from a seeded generator: the
/// same stream every run.
/// </summary>
internal sealed class SyntheticClockPath(TimeSpan offset, double driftPpm, int seed)
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 4, 6, 0, 0, TimeSpan.Zero);
    private readonly Random _random = new(seed);
    private TimeSpan _step;

    public double JitterMs { get; init; }

    public double UpMs { get; init; }

    public double DownMs { get; init; }

    public DateTimeOffset NodeTime(double trueSeconds) => Epoch - offset + TimeSpan.FromSeconds(trueSeconds * (1 - (driftPpm / 1e6)));

    public DateTimeOffset ControllerTime(double trueSeconds) => Epoch + _step + TimeSpan.FromSeconds(trueSeconds);

    public void StepController(TimeSpan by) => _step += by;

    /// <summary>How far the estimate's Controller time is off at <paramref name="trueSeconds"/>.</summary>
    public TimeSpan Miss(ClockEstimate estimate, double trueSeconds) =>
        estimate.ControllerNow(NodeTime(trueSeconds)) - ControllerTime(trueSeconds);

    /// <summary>One exchange starting at <paramref name="trueSeconds"/>, the reply answered the instant it arrives.</summary>
    public ClockObservation Exchange(double trueSeconds)
    {
        var up = (UpMs + (_random.NextDouble() * JitterMs)) / 1000;
        var down = (DownMs + (_random.NextDouble() * JitterMs)) / 1000;
        var t1 = NodeTime(trueSeconds);
        var t2 = ControllerTime(trueSeconds + up);
        var t4 = NodeTime(trueSeconds + up + down);
        return new ClockObservation(t1 + ((t4 - t1) / 2), ClockSyncSample.From(t1, t2, t2, t4));
    }
}
