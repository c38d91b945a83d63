namespace SmartLoudspeaker.Node.Time;

/// <summary>
/// The node's estimate of the Controller's clock as a line: an offset at a reference instant of the node's clock and
/// the rate at which it changes (the node crystal's frequency error against the Controller's), with an error bound
/// that grows with the distance from the reference. Immutable, so a reader gets one consistent estimate.
/// </summary>
/// <param name="Reference">The node time the offset is given at: the newest sample the estimate rests on.</param>
/// <param name="OffsetAtReference">How far the Controller's clock is ahead of the node's at <paramref name="Reference"/>.</param>
/// <param name="DriftPpm">
/// How fast the offset grows, in microseconds per second of node time: a node whose crystal runs 50 ppm fast sees the
/// Controller fall behind, −50. Zero when the estimate is offset-only.
/// </param>
/// <param name="BaseError">The error at <paramref name="Reference"/>: how far the offset there may be off, at most half a round trip (the path's possible asymmetry) plus what the drift's uncertainty adds.</param>
/// <param name="DriftErrorPpm">How wrong <paramref name="DriftPpm"/> may be; the error grows by this much per second away from the reference.</param>
/// <param name="HasDrift">
/// True when <paramref name="DriftPpm"/> was measured; false for an offset-only estimate (too few good samples, or too
/// short a stretch of time to see a rate), whose error grows at the largest plausible drift.
/// </param>
/// <param name="Samples">Samples taken since boot or since the last step of the clocks: the sync schedule samples fast until there are enough.</param>
/// <param name="BestRoundTrip">The least round trip among the samples the estimate rests on: what the path allows at best.</param>
/// <remarks>
/// Node times here are on the node's monotonic clock (<see cref="ControllerClock"/> expresses it as a
/// <see cref="DateTimeOffset"/> from its origin), never its wall clock, so a step of the node's own clock moves nothing.
/// On a path whose one-way delays differ by d, the offset is off by d/2 and no round-trip method can tell; the base
/// error is at least half the round trips it rests on, so it covers that.
/// </remarks>
internal sealed record ClockEstimate(
    DateTimeOffset Reference,
    TimeSpan OffsetAtReference,
    double DriftPpm,
    TimeSpan BaseError,
    double DriftErrorPpm,
    bool HasDrift,
    int Samples = 1,
    TimeSpan BestRoundTrip = default)
{
    /// <summary>How far the Controller's clock is ahead of the node's at <paramref name="nodeTime"/>.</summary>
    public TimeSpan OffsetAt(DateTimeOffset nodeTime) =>
        OffsetAtReference + TimeSpan.FromTicks((long)Math.Round((nodeTime - Reference).Ticks * DriftPpm / 1e6));

    /// <summary>The Controller's time when the node's clock reads <paramref name="nodeTime"/>.</summary>
    public DateTimeOffset ControllerNow(DateTimeOffset nodeTime) => nodeTime + OffsetAt(nodeTime);

    /// <summary>How far <see cref="OffsetAt"/> may be off at <paramref name="nodeTime"/>: the base error plus the drift error times the age.</summary>
    public TimeSpan ErrorAt(DateTimeOffset nodeTime) =>
        BaseError + TimeSpan.FromTicks((long)Math.Ceiling(Math.Abs((nodeTime - Reference).Ticks) * DriftErrorPpm / 1e6));
}
