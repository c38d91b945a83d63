namespace SmartLoudspeaker.Node.Time;

/// <summary>
/// Estimates the Controller's clock from authenticated samples as an offset and a drift (the node crystal's frequency
/// error), so synchronised playout stays within a few milliseconds between syncs: a 50 ppm crystal drifts 30 ms in
/// ten minutes, which an offset-only estimate would miss. Pure (no clock of its own, no locking): the caller supplies
/// each sample with the node time it was taken at and serialises calls.
/// </summary>
/// <remarks>
/// <para>
/// Filter, as NTP's clock filter: a sample's true offset lies within half its round trip of the measured one (the path
/// may be asymmetric by at most the round trip), so only samples whose round trip is close to the best in the window
/// are used ("good": at most twice the best, or the best plus 10 ms, whichever is larger). A sample that queued behind
/// a transfer or a 4G retransmission then moves nothing.
/// </para>
/// <para>
/// Fit: weighted least squares of offset against node time over the good samples, each weighted by the inverse square
/// of its round trip (the square of its possible error). Chosen over "best sample plus a slope" because the slope then
/// rests on every good sample rather than two, so one sample's asymmetry moves it less, while the weights still let
/// the least-queued samples dominate; and over Marzullo's intersection, which bounds an offset at one instant but
/// gives no rate. With fewer than <see cref="MinSamplesForDrift"/> good samples, or when they span less than
/// <see cref="MinSpanForDrift"/>, the estimate is offset-only: the best sample's offset, as before drift was estimated.
/// A fitted drift beyond ±<see cref="MaxDriftPpm"/> is clamped: no crystal is that far off, so it is a sign of noise.
/// </para>
/// <para>
/// Steps: when a new sample's offset is further from the prediction than the estimate's error bound plus half the
/// sample's round trip, no asymmetry explains it: the relation between the clocks changed (the Controller's clock, or
/// the node's own, was stepped). The estimator then forgets the older samples and starts again from that one, offset
/// only, rather than averaging across the step for an hour: audio is timed on the Controller's clock, so every node
/// must follow the Controller at once, and a few syncs later the drift is measured again.
/// </para>
/// </remarks>
internal sealed class DriftEstimator
{
    /// <summary>Samples kept: at one every 10 minutes, over an hour, a stretch short enough for a line to fit a crystal warmed by the day.</summary>
    public const int MaxSamples = 8;

    /// <summary>Good samples needed before a drift is estimated.</summary>
    public const int MinSamplesForDrift = 3;

    /// <summary>The largest drift believed; a crystal beyond it is broken, so a fit beyond it is clamped.</summary>
    public const double MaxDriftPpm = 500;

    /// <summary>Samples older than this (from the newest) describe a crystal at another temperature; they are forgotten.</summary>
    public static readonly TimeSpan MaxSampleAge = TimeSpan.FromHours(2);

    /// <summary>The shortest stretch of node time over which a rate is estimated: over less, the round trips swamp it.</summary>
    public static readonly TimeSpan MinSpanForDrift = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan GoodRoundTripMargin = TimeSpan.FromMilliseconds(10);

    // A round trip of zero (a fake clock, or less than a tick on loopback) must not weigh infinitely.
    private static readonly TimeSpan MinWeightedRoundTrip = TimeSpan.FromMilliseconds(1);

    // Rounding of the fit and of ticks, so an exact sample on the predicted line is never taken for a step.
    private static readonly TimeSpan StepTolerance = TimeSpan.FromMilliseconds(1);

    private readonly List<ClockObservation> _samples = [];

    /// <summary>The current estimate, or null before the first sample.</summary>
    public ClockEstimate? Current { get; private set; }

    /// <summary>Takes a sample and re-estimates; a sample that shows a step makes it forget the older ones first.</summary>
    public void Add(ClockObservation observation)
    {
        if (Current is { } estimate && !IsConsistent(estimate, observation))
        {
            _samples.Clear();
        }

        _samples.Add(observation);
        var newest = _samples.Max(sample => sample.NodeTime);
        _samples.RemoveAll(sample => newest - sample.NodeTime > MaxSampleAge);
        if (_samples.Count > MaxSamples)
        {
            _samples.RemoveRange(0, _samples.Count - MaxSamples);
        }

        Current = Estimate(_samples);
    }

    private static bool IsConsistent(ClockEstimate estimate, ClockObservation observation)
    {
        var miss = (observation.Sample.Offset - estimate.OffsetAt(observation.NodeTime)).Duration();
        return miss <= estimate.ErrorAt(observation.NodeTime) + (observation.Sample.RoundTrip / 2) + StepTolerance;
    }

    private static ClockEstimate Estimate(List<ClockObservation> samples)
    {
        var bestRoundTrip = samples.Min(sample => sample.Sample.RoundTrip);
        var limit = bestRoundTrip * 2 > bestRoundTrip + GoodRoundTripMargin ? bestRoundTrip * 2 : bestRoundTrip + GoodRoundTripMargin;
        var good = samples.Where(sample => sample.Sample.RoundTrip <= limit).ToList();
        var best = good.MinBy(sample => sample.Sample.RoundTrip);
        var baseError = bestRoundTrip / 2;
        var span = good.Max(sample => sample.NodeTime) - good.Min(sample => sample.NodeTime);
        if (good.Count < MinSamplesForDrift || span < MinSpanForDrift)
        {
            return new ClockEstimate(best.NodeTime, best.Sample.Offset, 0, baseError, MaxDriftPpm, HasDrift: false);
        }

        // Seconds from the newest good sample, so the offset comes out where the estimate is used: just after it.
        var reference = good.Max(sample => sample.NodeTime);
        double sumW = 0, sumX = 0, sumY = 0;
        foreach (var sample in good)
        {
            var w = Weight(sample);
            sumW += w;
            sumX += w * (sample.NodeTime - reference).TotalSeconds;
            sumY += w * sample.Sample.Offset.TotalSeconds;
        }

        double meanX = sumX / sumW, meanY = sumY / sumW, sxx = 0, sxy = 0;
        foreach (var sample in good)
        {
            var w = Weight(sample);
            var dx = (sample.NodeTime - reference).TotalSeconds - meanX;
            sxx += w * dx * dx;
            sxy += w * dx * (sample.Sample.Offset.TotalSeconds - meanY);
        }

        var driftPpm = Math.Clamp(sxy / sxx * 1e6, -MaxDriftPpm, MaxDriftPpm);
        var offset = meanY - (driftPpm / 1e6 * meanX);

        // The slope through two samples at the ends of the stretch, each off by up to half its round trip: a bound on
        // how wrong the fitted rate can be.
        var worstGood = good.Max(sample => sample.Sample.RoundTrip);
        var driftErrorPpm = Math.Min(MaxDriftPpm, worstGood.TotalSeconds / span.TotalSeconds * 1e6);
        return new ClockEstimate(reference, TimeSpan.FromSeconds(offset), driftPpm, baseError, driftErrorPpm, HasDrift: true);
    }

    private static double Weight(ClockObservation sample)
    {
        var roundTrip = Math.Max(sample.Sample.RoundTrip.TotalMilliseconds, MinWeightedRoundTrip.TotalMilliseconds);
        return 1 / (roundTrip * roundTrip);
    }
}
