using SmartLoudspeaker.Node.Time;

namespace SmartLoudspeaker.Benchmarks.Skew;

/// <summary>
/// A clock taken for the Controller's as it is, claiming no error: the negative control (a node's own clock, no sync),
/// and the CPU run's exact time (the true clock itself).
/// </summary>
internal sealed class OwnClockControllerTime(TimeProvider clock) : IControllerTime
{
    public ControllerTimeReading? Read() => new ControllerTimeReading(clock.GetUtcNow(), TimeSpan.Zero);
}
