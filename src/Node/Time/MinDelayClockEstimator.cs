namespace SmartLoudspeaker.Node.Time;

/// <summary>
/// Estimates the Controller's clock from authenticated samples as an offset and a drift (the node crystal's frequency
/// error, tens of ppm: 50 ppm is 30 ms in ten minutes, which an offset-only estimate would miss), with an error bound
/// that holds. Pure (no clock of its own, no locking): the caller supplies each sample with the node time it was taken
/// at, on the node's monotonic clock (a step of the node's wall clock must not look like a step of the Controller's),
/// and serialises calls.
/// </summary>
/// <remarks>
/// <para>
/// What a round trip proves: the Controller read T2 after the node sent at T1 and sent T3 before the node received at
/// T4, so, with one-way delays that cannot be negative, the true offset θ at the middle of the exchange lies in
/// [T3 − T4, T2 − T1]: the measured offset ± half the round trip. Nothing more can be known from round trips: a path
/// whose delays differ by d each way shifts the measured offset by d/2 and no round-trip method can see it, so d/2 is
/// the error of every such method (NTP's, PTP's without on-path support, this one) on an asymmetric path; the error
/// bound covers it because it is never below half the width of the intervals the estimate rests on.
/// </para>
/// <para>
/// Filter (min delay, per leg): the estimate is the line of offset against node time that passes through every
/// sample's interval with the widest margin on both sides. Its upper side rests on the samples of least delay towards
/// the Controller, its lower side on those of least delay back, so under jitter (queues, Wi-Fi, 4G: 0–50 ms each way)
/// only the luckiest samples of the window matter and the jitter itself is filtered out, where a mean or a median of
/// offsets keeps a share of it, and a filter on whole round trips (NTP's) needs both legs lucky in one exchange. A
/// sample that queued behind a transfer has a wide interval and moves nothing. The slope is searched within
/// ±<see cref="MaxDriftPpm"/> (no crystal is further off): the margin is a concave function of it, so a ternary search
/// finds its top.
/// </para>
/// <para>
/// Bound: the drift error is how far the slope can tilt before some interval is missed; the base error is how far the
/// offset at the reference can move over every line through all intervals. If no line passes through them all (the
/// Controller's clock was slewed, or a step smaller than the bound), the intervals are widened by twice the shortfall
/// and the bound grows with them. With fewer than <see cref="MinSamplesForDrift"/> samples, or over less than
/// <see cref="MinSpanForDrift"/>, the estimate is offset-only: the sample of least round trip, its error half that round
/// trip and growing at the largest plausible drift.
/// </para>
/// <para>
/// Steps: when a new sample's interval misses the estimate's error bound, no delay explains it: the relation between
/// the clocks changed (the Controller's clock was stepped, or a standby took over). The estimator forgets the older
/// samples and starts again from that one rather than bending the line across the step: audio is timed on the
/// Controller's clock, so every node follows it at once, and the sync schedule samples fast again until the drift is
/// measured (<see cref="ClockSyncSchedule"/>).
/// </para>
/// </remarks>
internal sealed class MinDelayClockEstimator
{
    /// <summary>Samples kept at most: five minutes of the 1 s start-up rate, or the whole window at the settled rate.</summary>
    public const int MaxSamples = 512;

    /// <summary>Samples needed before a drift is estimated.</summary>
    public const int MinSamplesForDrift = 3;

    /// <summary>The largest drift believed; a crystal beyond it is broken, so the slope is searched within it.</summary>
    public const double MaxDriftPpm = 500;

    /// <summary>Samples older than this (from the newest) describe a crystal at another temperature; they are forgotten.</summary>
    public static readonly TimeSpan MaxSampleAge = TimeSpan.FromMinutes(30);

    /// <summary>The shortest stretch of node time over which a rate is estimated: over less, the round trips swamp it.</summary>
    public static readonly TimeSpan MinSpanForDrift = TimeSpan.FromMinutes(2);

    // Rounding of the fit and of ticks, so an exact sample on the predicted line is never taken for a step.
    private static readonly TimeSpan StepTolerance = TimeSpan.FromMilliseconds(1);

    // Halvings of the slope range: 1,000 ppm × (2/3)^80 is far below a tick per day.
    private const int SearchSteps = 80;

    private readonly List<ClockObservation> _samples = [];
    private int _sinceStep;

    /// <summary>The current estimate, or null before the first sample.</summary>
    public ClockEstimate? Current { get; private set; }

    /// <summary>Takes a sample and re-estimates; a sample that shows a step makes it forget the older ones first.</summary>
    public void Add(ClockObservation observation)
    {
        if (Current is { } estimate && !IsConsistent(estimate, observation))
        {
            _samples.Clear();
            _sinceStep = 0;
        }

        _samples.Add(observation);
        _sinceStep++;
        var newest = _samples.Max(sample => sample.NodeTime);
        _samples.RemoveAll(sample => newest - sample.NodeTime > MaxSampleAge);
        if (_samples.Count > MaxSamples)
        {
            _samples.RemoveRange(0, _samples.Count - MaxSamples);
        }

        Current = Estimate(_samples, _sinceStep);
    }

    private static bool IsConsistent(ClockEstimate estimate, ClockObservation observation)
    {
        var miss = (observation.Sample.Offset - estimate.OffsetAt(observation.NodeTime)).Duration();
        return miss <= estimate.ErrorAt(observation.NodeTime) + (observation.Sample.RoundTrip / 2) + StepTolerance;
    }

    private static ClockEstimate Estimate(List<ClockObservation> samples, int sinceStep)
    {
        var best = samples.MinBy(sample => sample.Sample.RoundTrip);
        var bestRoundTrip = best.Sample.RoundTrip;
        var reference = samples.Max(sample => sample.NodeTime);
        var span = reference - samples.Min(sample => sample.NodeTime);
        if (samples.Count < MinSamplesForDrift || span < MinSpanForDrift)
        {
            return new ClockEstimate(best.NodeTime, best.Sample.Offset, 0, bestRoundTrip / 2, MaxDriftPpm, HasDrift: false, sinceStep, bestRoundTrip);
        }

        // Seconds from the reference (the newest sample), so the offset comes out where the estimate is used.
        var n = samples.Count;
        var x = new double[n];
        var high = new double[n];
        var low = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sample = samples[i];
            var half = sample.Sample.RoundTrip.TotalSeconds / 2;
            x[i] = (sample.NodeTime - reference).TotalSeconds;
            high[i] = sample.Sample.Offset.TotalSeconds + half;
            low[i] = sample.Sample.Offset.TotalSeconds - half;
        }

        // For a slope b: the highest offset at the reference below every upper end, the lowest above every lower end.
        double Upper(double b)
        {
            var value = double.MaxValue;
            for (var i = 0; i < n; i++)
            {
                value = Math.Min(value, high[i] - (b * x[i]));
            }

            return value;
        }

        double Lower(double b)
        {
            var value = double.MinValue;
            for (var i = 0; i < n; i++)
            {
                value = Math.Max(value, low[i] - (b * x[i]));
            }

            return value;
        }

        double Margin(double b) => (Upper(b) - Lower(b)) / 2;

        const double limit = MaxDriftPpm / 1e6;
        var drift = ArgMax(Margin, -limit, limit);
        foreach (var end in (ReadOnlySpan<double>)[-limit, limit])
        {
            if (Margin(end) >= Margin(drift))
            {
                drift = end;
            }
        }

        var margin = Margin(drift);
        var offset = (Upper(drift) + Lower(drift)) / 2;
        var slack = margin < 0 ? -2 * margin : 0;
        var steepest = Crossing(b => Margin(b) + slack, drift, limit);
        var flattest = Crossing(b => Margin(b) + slack, drift, -limit);
        var driftError = Math.Max(steepest - drift, drift - flattest);
        var highest = Upper(ArgMax(Upper, flattest, steepest)) + slack;
        var lowest = Lower(ArgMax(b => -Lower(b), flattest, steepest)) - slack;
        var baseError = Math.Max(Math.Max(highest - offset, offset - lowest), Math.Max(margin, 0));
        return new ClockEstimate(
            reference,
            TimeSpan.FromSeconds(offset),
            drift * 1e6,
            TimeSpan.FromSeconds(baseError),
            Math.Min(MaxDriftPpm, driftError * 1e6),
            HasDrift: true,
            sinceStep,
            bestRoundTrip);
    }

    /// <summary>The top of a concave function on [from, to], by ternary search.</summary>
    private static double ArgMax(Func<double, double> f, double from, double to)
    {
        for (var step = 0; step < SearchSteps && to - from > 0; step++)
        {
            var third = (to - from) / 3;
            if (f(from + third) < f(to - third))
            {
                from += third;
            }
            else
            {
                to -= third;
            }
        }

        return (from + to) / 2;
    }

    /// <summary>Where <paramref name="f"/> (≥ 0 at <paramref name="inside"/>, concave) reaches zero towards <paramref name="outside"/>; outside itself when it never does.</summary>
    private static double Crossing(Func<double, double> f, double inside, double outside)
    {
        if (f(outside) >= 0)
        {
            return outside;
        }

        for (var step = 0; step < SearchSteps; step++)
        {
            var middle = (inside + outside) / 2;
            if (f(middle) >= 0)
            {
                inside = middle;
            }
            else
            {
                outside = middle;
            }
        }

        return inside;
    }
}
