using SmartLoudspeaker.Node.Time;

namespace SmartLoudspeaker.Benchmarks.Skew;

/// <summary>
/// The Controller's clock as a simulated node believes it: the estimator's current line read at the node's own clock,
/// as <see cref="ControllerClock.Read"/> does on a node (whose axis is its monotonic clock; a simulated node's clock never steps).
/// </summary>
internal sealed class EstimatedControllerTime(MinDelayClockEstimator estimator, TimeProvider nodeClock) : IControllerTime
{
    public ControllerTimeReading? Read()
    {
        if (estimator.Current is not { } estimate)
        {
            return null;
        }

        var now = nodeClock.GetUtcNow();
        return new ControllerTimeReading(estimate.ControllerNow(now), estimate.ErrorAt(now));
    }
}
