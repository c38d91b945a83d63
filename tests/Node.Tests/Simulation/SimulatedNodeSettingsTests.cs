using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Simulation;

namespace SmartLoudspeaker.Node.Tests.Simulation;

/// <summary>
/// Each simulated node's clock offset and drift: drawn from the seed and the node number alone, within the configured
/// spreads, and actually spread over them (not all alike, not all near zero).
/// </summary>
public sealed class SimulatedNodeSettingsTests
{
    private static readonly SimulationOptions Spread = new()
    {
        ClockOffsetSpread = TimeSpan.FromSeconds(1.5),
        ClockDriftSpreadPpm = 80,
        Seed = 42,
    };

    [Fact]
    public void The_same_seed_and_number_give_the_same_clock_whatever_the_fleet_size()
    {
        var small = new SimulationOptions { NodeCount = 4, ClockOffsetSpread = Spread.ClockOffsetSpread, ClockDriftSpreadPpm = 80, Seed = 42 };
        var large = new SimulationOptions { NodeCount = 400, ClockOffsetSpread = Spread.ClockOffsetSpread, ClockDriftSpreadPpm = 80, Seed = 42 };

        for (var number = 1; number <= 4; number++)
        {
            Assert.Equal(SimulatedNodeSettings.For(small, number), SimulatedNodeSettings.For(large, number));
        }
    }

    [Fact]
    public void Another_seed_gives_other_clocks()
    {
        var other = new SimulationOptions { ClockOffsetSpread = Spread.ClockOffsetSpread, ClockDriftSpreadPpm = 80, Seed = 43 };

        var differing = Enumerable.Range(1, 10).Count(number => SimulatedNodeSettings.For(Spread, number) != SimulatedNodeSettings.For(other, number));
        Assert.Equal(10, differing);
    }

    [Fact]
    public void Every_node_stays_within_the_spreads_and_the_fleet_covers_them()
    {
        var settings = Enumerable.Range(1, 200).Select(number => SimulatedNodeSettings.For(Spread, number)).ToList();

        Assert.All(settings, node => Assert.InRange(node.ClockOffset, -Spread.ClockOffsetSpread, Spread.ClockOffsetSpread));
        Assert.All(settings, node => Assert.InRange(node.ClockDriftPpm, -80, 80));

        // Spread over the whole range, both ways: 200 uniform draws reach beyond ±90 % of it on each side.
        Assert.True(settings.Min(node => node.ClockOffset) < -TimeSpan.FromSeconds(1.35));
        Assert.True(settings.Max(node => node.ClockOffset) > TimeSpan.FromSeconds(1.35));
        Assert.True(settings.Min(node => node.ClockDriftPpm) < -72);
        Assert.True(settings.Max(node => node.ClockDriftPpm) > 72);
        Assert.Equal(200, settings.Select(node => node.ClockOffset).Distinct().Count());
    }

    [Fact]
    public void A_node_s_offset_and_drift_are_drawn_independently()
    {
        var settings = Enumerable.Range(1, 200).Select(number => SimulatedNodeSettings.For(Spread, number)).ToList();

        // Tied draws would put every fast crystal ahead (or behind); independent ones mix the four quadrants.
        var aheadAndFast = settings.Count(node => node.ClockOffset > TimeSpan.Zero && node.ClockDriftPpm > 0);
        var aheadAndSlow = settings.Count(node => node.ClockOffset > TimeSpan.Zero && node.ClockDriftPpm < 0);
        Assert.InRange(aheadAndFast, 25, 75);
        Assert.InRange(aheadAndSlow, 25, 75);
    }

    [Fact]
    public void Zero_spreads_give_every_node_the_true_clock()
    {
        var none = new SimulationOptions { Seed = 7 };

        Assert.All(Enumerable.Range(1, 20), number => Assert.Equal(new SimulatedNodeSettings(TimeSpan.Zero, 0), SimulatedNodeSettings.For(none, number)));
    }

    [Fact]
    public void The_largest_spreads_fit_the_simulated_node_clock()
    {
        var widest = new SimulationOptions
        {
            ClockOffsetSpread = SimulationOptions.MaxClockOffsetSpread,
            ClockDriftSpreadPpm = SimulationOptions.MaxClockDriftSpreadPpm,
            Seed = -1,
        };

        foreach (var number in Enumerable.Range(1, 50))
        {
            var node = SimulatedNodeSettings.For(widest, number);
            var clock = new SimulatedNodeClock(TimeProvider.System, node.ClockOffset, node.ClockDriftPpm);
            Assert.Equal(node.ClockOffset, clock.Offset);
        }
    }

    [Fact]
    public void Node_numbers_start_at_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedNodeSettings.For(Spread, 0));
}
