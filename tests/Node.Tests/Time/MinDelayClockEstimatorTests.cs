using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Time;

/// <summary>
/// The controller-time estimator on synthetic exchanges: true time is a number of seconds, the Controller's clock reads
/// it exactly, the node's runs at its own rate, and each sample comes from the four timestamps of an exchange with the
/// given one-way delays, through the same <see cref="ClockSyncSample.From"/> the node uses. No real time passes.
/// </summary>
public sealed class MinDelayClockEstimatorTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_crystal_running_50_ppm_fast_is_predicted_within_a_millisecond_ten_minutes_after_the_last_sync()
    {
        var node = new SyntheticNode(ppm: 50, startOffset: TimeSpan.FromSeconds(-3));
        var estimator = new MinDelayClockEstimator();
        (double Up, double Down)[] delays = [(10, 10), (11, 10), (10, 11.5), (12, 12), (10.5, 10), (10, 10.5), (11, 11)];
        for (var i = 0; i < delays.Length; i++)
        {
            estimator.Add(node.Exchange(trueSeconds: i * 300, delays[i].Up, delays[i].Down));
        }

        var estimate = estimator.Current!;
        Assert.True(estimate.HasDrift);
        Assert.InRange(estimate.DriftPpm, -51, -49);

        // Ten minutes after the last sample (taken at 1,800 s).
        var at = node.NodeTime(2_400);
        var truth = node.ControllerTime(2_400);
        var miss = (estimate.ControllerNow(at) - truth).Duration();
        Assert.True(miss < TimeSpan.FromMilliseconds(1), $"predicted {miss.TotalMilliseconds} ms off");
        Assert.True(miss <= estimate.ErrorAt(at), "the error bound holds");

        // The offset of the last sample alone, as before drift was estimated, is 30 ms off by then.
        var offsetOnly = at + node.Exchange(1_800, 11, 11).Sample.Offset;
        Assert.InRange((offsetOnly - truth).Duration().TotalMilliseconds, 29, 31);
    }

    [Fact]
    public void A_sample_with_a_huge_round_trip_does_not_move_the_estimate()
    {
        var node = new SyntheticNode(ppm: 50, startOffset: TimeSpan.FromMinutes(1));
        var estimator = new MinDelayClockEstimator();
        for (var i = 0; i < 5; i++)
        {
            estimator.Add(node.Exchange(trueSeconds: i * 600, 20, 20));
        }

        var before = estimator.Current!;

        // Queued behind a transfer on the way up: 3 s round trip, 1.4 s of asymmetry. Its interval is wide, so the line
        // is the same; only the reference moves to it.
        estimator.Add(node.Exchange(trueSeconds: 3_000, 2_900, 100));
        var after = estimator.Current!;
        Assert.Equal(before.DriftPpm, after.DriftPpm, 6);
        var at = node.NodeTime(3_600);
        Assert.InRange((after.OffsetAt(at) - before.OffsetAt(at)).Duration().TotalMilliseconds, 0, 0.001);
    }

    [Fact]
    public void With_fewer_than_three_samples_the_estimate_is_the_best_samples_offset_with_a_widening_bound()
    {
        var node = new SyntheticNode(ppm: 0, startOffset: TimeSpan.FromSeconds(2));
        var estimator = new MinDelayClockEstimator();
        estimator.Add(node.Exchange(trueSeconds: 0, 40, 10));
        var best = node.Exchange(trueSeconds: 600, 10, 10);
        estimator.Add(best);

        var estimate = estimator.Current!;
        Assert.False(estimate.HasDrift);
        Assert.Equal(0, estimate.DriftPpm);
        Assert.Equal(best.NodeTime, estimate.Reference);
        Assert.Equal(best.Sample.Offset, estimate.OffsetAtReference);
        Assert.Equal(TimeSpan.FromMilliseconds(10), estimate.ErrorAt(best.NodeTime));

        // Offset-only: the error grows at the largest plausible drift, 500 ppm (300 ms in ten minutes).
        Assert.Equal(TimeSpan.FromMilliseconds(310), estimate.ErrorAt(best.NodeTime + TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void An_implausible_drift_is_clamped_to_500_ppm()
    {
        var node = new SyntheticNode(ppm: 600, startOffset: TimeSpan.Zero);
        var estimator = new MinDelayClockEstimator();
        foreach (var seconds in new[] { 0, 60, 120 })
        {
            estimator.Add(node.Exchange(seconds, 10, 10));
        }

        Assert.True(estimator.Current!.HasDrift);
        Assert.Equal(-MinDelayClockEstimator.MaxDriftPpm, estimator.Current.DriftPpm);
    }

    [Fact]
    public void When_the_Controllers_clock_steps_the_estimate_follows_at_once_and_measures_the_drift_again()
    {
        var node = new SyntheticNode(ppm: 50, startOffset: TimeSpan.Zero);
        var estimator = new MinDelayClockEstimator();
        for (var i = 0; i < 6; i++)
        {
            estimator.Add(node.Exchange(trueSeconds: i * 600, 15, 15));
        }

        Assert.True(estimator.Current!.HasDrift);

        // The Controller's clock jumps 2 s ahead (an NTP step on its machine, or a standby taking over).
        node.StepController(TimeSpan.FromSeconds(2));
        var after = node.Exchange(trueSeconds: 3_600, 15, 15);
        estimator.Add(after);
        var followed = estimator.Current!;
        Assert.False(followed.HasDrift);
        Assert.Equal(after.Sample.Offset, followed.OffsetAt(after.NodeTime));
        Assert.True((followed.ControllerNow(after.NodeTime) - node.ControllerTime(3_600.015)).Duration() < TimeSpan.FromMilliseconds(1));

        // Only samples after the step count: a few more and the drift is back, unbent by the step.
        foreach (var seconds in new[] { 3_660, 3_720, 3_780 })
        {
            estimator.Add(node.Exchange(seconds, 15, 15));
        }

        Assert.True(estimator.Current!.HasDrift);
        Assert.InRange(estimator.Current.DriftPpm, -51, -49);
    }

    /// <summary>A node whose crystal runs <c>ppm</c> fast against true time, and a Controller whose clock reads true time plus a step.</summary>
    private sealed class SyntheticNode(double ppm, TimeSpan startOffset)
    {
        private TimeSpan _controllerStep;

        public DateTimeOffset NodeTime(double trueSeconds) =>
            Epoch - startOffset + TimeSpan.FromSeconds(trueSeconds * (1 + (ppm / 1e6)));

        public DateTimeOffset ControllerTime(double trueSeconds) => Epoch + _controllerStep + TimeSpan.FromSeconds(trueSeconds);

        public void StepController(TimeSpan by) => _controllerStep += by;

        /// <summary>One exchange starting at <paramref name="trueSeconds"/>, the reply answered the instant it arrives.</summary>
        public ClockObservation Exchange(double trueSeconds, double upMs, double downMs)
        {
            var t1 = NodeTime(trueSeconds);
            var t2 = ControllerTime(trueSeconds + (upMs / 1000));
            var t4 = NodeTime(trueSeconds + ((upMs + downMs) / 1000));
            return new ClockObservation(t1 + ((t4 - t1) / 2), ClockSyncSample.From(t1, t2, t2, t4));
        }
    }
}
