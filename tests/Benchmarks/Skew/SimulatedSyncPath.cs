using SmartLoudspeaker.Node.Simulation;
using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Benchmarks.Skew;

/// <summary>
/// One node's clock-sync exchanges with a Controller that runs on true time, over <see cref="SkewScenario"/>'s path.
/// T1 and T4 are the node's clock readings (<see cref="SimulatedNodeClock.ToNodeTime"/>), T2 = T3 the Controller's
/// when the request arrives (answered at once), so each sample carries the node's offset, its drift and the path's
/// asymmetry exactly as a real exchange would, and nothing else.
/// </summary>
internal sealed class SimulatedSyncPath(SimulatedNodeClock clock, SkewScenario path, int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>An exchange whose request leaves at the true instant <paramref name="trueSent"/>; the sample and when its reply arrives.</summary>
    public (ClockObservation Observation, DateTimeOffset TrueArrival) Exchange(DateTimeOffset trueSent)
    {
        var up = TimeSpan.FromMilliseconds(path.UpMs + (_random.NextDouble() * path.JitterMs));
        var down = TimeSpan.FromMilliseconds(path.DownMs + (_random.NextDouble() * path.JitterMs));
        var t1 = clock.ToNodeTime(trueSent);
        var controllerRead = trueSent + up;
        var arrival = controllerRead + down;
        var t4 = clock.ToNodeTime(arrival);
        return (new ClockObservation(t1 + ((t4 - t1) / 2), ClockSyncSample.From(t1, controllerRead, controllerRead, t4)), arrival);
    }
}
