using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Simulation;

namespace SmartLoudspeaker.Node.Tests.Simulation;

/// <summary>
/// The simulated node clock: the offset shifts readings, the drift stretches elapsed time (wall clock, timestamps and
/// timers alike), true and node instants convert both ways, and settings outside a plausible crystal are refused.
/// </summary>
public sealed class SimulatedNodeClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_offset_is_applied_at_the_anchor_and_stays_without_drift()
    {
        var truth = new FakeTimeProvider(Start);
        var clock = new SimulatedNodeClock(truth, TimeSpan.FromSeconds(2), driftPpm: 0);

        Assert.Equal(Start + TimeSpan.FromSeconds(2), clock.GetUtcNow());
        truth.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Start + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(2), clock.GetUtcNow());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(-250)]
    [InlineData(500)]
    public void Over_1000_true_seconds_the_drift_adds_drift_times_1000_seconds(double driftPpm)
    {
        var truth = new FakeTimeProvider(Start);
        var clock = new SimulatedNodeClock(truth, TimeSpan.FromSeconds(-3), driftPpm);

        truth.Advance(TimeSpan.FromSeconds(1000));

        var expected = Start + TimeSpan.FromSeconds(-3) + TimeSpan.FromSeconds(1000) + TimeSpan.FromTicks((long)Math.Round(driftPpm * 1e-6 * 1000 * TimeSpan.TicksPerSecond));
        Assert.Equal(expected, clock.GetUtcNow());
    }

    [Fact]
    public void True_and_node_instants_convert_both_ways()
    {
        var truth = new FakeTimeProvider(Start);
        var clock = new SimulatedNodeClock(truth, TimeSpan.FromMilliseconds(1500), driftPpm: 120);
        truth.Advance(TimeSpan.FromMinutes(7));

        var trueNow = truth.GetUtcNow();
        Assert.Equal(trueNow, clock.ToTrueTime(clock.GetUtcNow()));
        Assert.Equal(clock.GetUtcNow(), clock.ToNodeTime(trueNow));

        var later = trueNow + TimeSpan.FromHours(3);
        var roundTrip = clock.ToTrueTime(clock.ToNodeTime(later));
        Assert.InRange((roundTrip - later).Duration(), TimeSpan.Zero, TimeSpan.FromTicks(1));
    }

    [Fact]
    public void Timestamps_advance_at_the_nodes_rate()
    {
        var truth = new FakeTimeProvider(Start);
        var clock = new SimulatedNodeClock(truth, TimeSpan.FromSeconds(4), driftPpm: 200);
        var before = clock.GetTimestamp();

        truth.Advance(TimeSpan.FromSeconds(100));

        Assert.Equal(TimeSpan.FromSeconds(100.02), clock.GetElapsedTime(before));
        Assert.Equal(truth.TimestampFrequency, clock.TimestampFrequency);
    }

    [Fact]
    public void A_timer_fires_when_the_nodes_clock_reaches_its_due_time_and_repeats_on_node_periods()
    {
        var truth = new FakeTimeProvider(Start);
        var clock = new SimulatedNodeClock(truth, TimeSpan.Zero, driftPpm: 500);
        var fired = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow()), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));

        // 10 node seconds are 10 / 1.0005 = 9.995002… true seconds.
        truth.Advance(TimeSpan.FromSeconds(9.9949));
        Assert.Empty(fired);
        truth.Advance(TimeSpan.FromSeconds(0.0002));
        Assert.Single(fired);
        Assert.InRange(fired[0] - Start, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10.0002));

        truth.Advance(TimeSpan.FromSeconds(9.995));
        Assert.Equal(2, fired.Count);
        Assert.InRange(fired[1] - Start, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20.0002));
    }

    [Fact]
    public void A_slow_crystal_fires_later_in_true_time_and_change_converts_too()
    {
        var truth = new FakeTimeProvider(Start);
        var clock = new SimulatedNodeClock(truth, TimeSpan.FromSeconds(1), driftPpm: -500);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        truth.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, fired);

        // 10 node seconds at −500 ppm are 10 / 0.9995 = 10.005002… true seconds.
        Assert.True(timer.Change(TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan));
        truth.Advance(TimeSpan.FromSeconds(10.0049));
        Assert.Equal(0, fired);
        truth.Advance(TimeSpan.FromSeconds(0.0002));
        Assert.Equal(1, fired);
    }

    [Fact]
    public async Task Task_delay_on_the_node_clock_waits_node_time()
    {
        var truth = new FakeTimeProvider(Start);
        var clock = new SimulatedNodeClock(truth, TimeSpan.Zero, driftPpm: -400);
        var delay = Task.Delay(TimeSpan.FromSeconds(1), clock);

        truth.Advance(TimeSpan.FromSeconds(1));
        Assert.False(delay.IsCompleted);
        truth.Advance(TimeSpan.FromMilliseconds(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System);
    }

    [Theory]
    [InlineData(5.001, 0)]
    [InlineData(-5.001, 0)]
    [InlineData(0, 500.1)]
    [InlineData(0, -500.1)]
    [InlineData(0, double.NaN)]
    public void Settings_outside_the_plausible_range_are_refused(double offsetSeconds, double driftPpm)
    {
        var truth = new FakeTimeProvider(Start);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedNodeClock(truth, TimeSpan.FromSeconds(offsetSeconds), driftPpm));
    }

    [Fact]
    public void The_limits_themselves_are_accepted()
    {
        var truth = new FakeTimeProvider(Start);
        var clock = new SimulatedNodeClock(truth, SimulatedNodeClock.MaxOffset, SimulatedNodeClock.MaxDriftPpm);
        Assert.Equal(SimulatedNodeClock.MaxOffset, clock.Offset);
        Assert.Equal(SimulatedNodeClock.MaxDriftPpm, clock.DriftPpm);
    }
}
