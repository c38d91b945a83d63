using SmartLoudspeaker.Node.Time;

namespace SmartLoudspeaker.Node.Tests.Time;

/// <summary>The sync schedule driving the estimator on a jittery path: fast after boot and after a step, slow once settled.</summary>
public sealed class ClockSyncScheduleTests
{
    [Fact]
    public void Without_a_sample_the_node_retries_every_30_s()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), ClockSyncSchedule.NextInterval(null, TimeSpan.Zero));
    }

    [Fact]
    public void After_three_unanswered_requests_a_young_estimate_is_asked_every_30_s_not_every_second()
    {
        var path = new SyntheticClockPath(TimeSpan.FromSeconds(1.5), driftPpm: 80, seed: 8) { JitterMs = 5 };
        var estimator = new MinDelayClockEstimator();
        estimator.Add(path.Exchange(0));
        var young = estimator.Current;
        Assert.Equal(ClockSyncSchedule.FastInterval, ClockSyncSchedule.NextInterval(young, ClockSyncSchedule.FastInterval, unanswered: 2));
        Assert.Equal(ClockSyncSchedule.RetryInterval, ClockSyncSchedule.NextInterval(young, ClockSyncSchedule.FastInterval, unanswered: 3));
        Assert.Equal(ClockSyncSchedule.FastInterval, ClockSyncSchedule.NextInterval(young, ClockSyncSchedule.RetryInterval, unanswered: 0));
    }

    [Fact]
    public void It_samples_every_second_after_boot_slows_to_a_minute_once_settled_and_speeds_up_again_after_a_step()
    {
        var path = new SyntheticClockPath(TimeSpan.FromSeconds(1.5), driftPpm: 80, seed: 7) { UpMs = 2, DownMs = 2, JitterMs = 50 };
        var estimator = new MinDelayClockEstimator();
        var t = 0.0;
        var intervals = new List<TimeSpan>();
        void Sample()
        {
            estimator.Add(path.Exchange(t));
            var interval = ClockSyncSchedule.NextInterval(estimator.Current, intervals.Count == 0 ? TimeSpan.Zero : intervals[^1]);
            intervals.Add(interval);
            t += interval.TotalSeconds;
        }

        // The first two minutes at 1 s: the min-delay filter needs samples to find the lucky ones.
        for (var i = 0; i < ClockSyncSchedule.MinSamplesToSettle - 1; i++)
        {
            Sample();
        }

        Assert.All(intervals, interval => Assert.Equal(ClockSyncSchedule.FastInterval, interval));

        // Settled within ten minutes of boot.
        while (t < 600 && intervals[^1] < ClockSyncSchedule.SlowInterval)
        {
            Sample();
        }

        Assert.True(intervals[^1] >= ClockSyncSchedule.SlowInterval, $"still at {intervals[^1]} after {t} s");

        // An hour settled: it stays slow, and the estimate stays within its bound and a few milliseconds.
        var settledFrom = intervals.Count;
        var settledAt = t;
        while (t < settledAt + 3_600)
        {
            Sample();
            Assert.True(path.Miss(estimator.Current!, t).Duration() <= estimator.Current!.ErrorAt(path.NodeTime(t)));
        }

        var settled = intervals.Skip(settledFrom).ToList();
        Assert.All(settled, interval => Assert.True(interval >= ClockSyncSchedule.SlowInterval, $"{interval}"));
        Assert.True(settled.Count <= 120, $"{settled.Count} requests in an hour");

        // A step: back to 1 s at once.
        path.StepController(TimeSpan.FromSeconds(2));
        Sample();
        Assert.Equal(ClockSyncSchedule.FastInterval, intervals[^1]);
        Assert.Equal(1, estimator.Current!.Samples);
    }
}
