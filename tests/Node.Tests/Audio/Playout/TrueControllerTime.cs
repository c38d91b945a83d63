using SmartLoudspeaker.Node.Time;

namespace SmartLoudspeaker.Node.Tests.Audio.Playout;

/// <summary>
/// A node whose estimate of the Controller's clock is exact (the Controller runs on true time), or off by a set error,
/// or lost: what the playout does with the estimate is tested apart from how good the estimate is.
/// </summary>
internal sealed class TrueControllerTime(TimeProvider truth) : IControllerTime
{
    /// <summary>How far the estimate is ahead of the Controller's true time.</summary>
    public TimeSpan Error { get; set; }

    /// <summary>While true the node has no estimate.</summary>
    public bool Lost { get; set; }

    public ControllerTimeReading? Read() =>
        Lost ? null : new ControllerTimeReading(truth.GetUtcNow() + Error, TimeSpan.FromMilliseconds(1));
}
