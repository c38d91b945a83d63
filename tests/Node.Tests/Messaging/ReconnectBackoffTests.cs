using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Messaging;

namespace SmartLoudspeaker.Node.Tests.Messaging;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Window = NodeAgentSettings.DefaultReconnectWindow;
    private static readonly TimeSpan Cap = NodeAgentSettings.DefaultReconnectCap;

    [Theory]
    [InlineData(1, 25)]
    [InlineData(2, 30)]
    [InlineData(3, 30)]
    [InlineData(1000, 30)]
    [InlineData(int.MaxValue, 30)]
    public void Gaps_after_the_first_retry_start_at_the_window_and_stop_at_the_cap(int attempt, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ReconnectBackoff.Gap(attempt, Window, Cap));

    [Fact]
    public void Gaps_double_from_a_small_window_and_are_never_shorter_than_it()
    {
        var window = TimeSpan.FromSeconds(4);
        Assert.Equal(
            [4, 8, 16, 30, 30],
            Enumerable.Range(1, 5).Select(attempt => ReconnectBackoff.Gap(attempt, window, Cap).TotalSeconds));
        Assert.Equal(window, ReconnectBackoff.Gap(3, window, cap: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void The_first_retry_is_uniform_over_the_whole_window()
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 5000).Select(_ => ReconnectBackoff.Delay(0, Window, Cap, random)).ToList();

        Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.Zero, Window - TimeSpan.FromTicks(1)));
        Assert.Contains(delays, delay => delay < Window * 0.02);
        Assert.Contains(delays, delay => delay > Window * 0.98);
        // Each fifth of the window holds about a fifth of the draws (1000 ± 5σ).
        Assert.All(
            delays.GroupBy(delay => (int)(delay / (Window / 5))),
            fifth => Assert.InRange(fifth.Count(), 860, 1140));
    }

    [Fact]
    public void Later_retries_are_fixed_gaps_so_the_random_phase_is_kept()
    {
        var a = new Random(5);
        var b = new Random(6);
        Assert.Equal(
            Enumerable.Range(1, 10).Select(i => ReconnectBackoff.Delay(i, Window, Cap, a)),
            Enumerable.Range(1, 10).Select(i => ReconnectBackoff.Delay(i, Window, Cap, b)));
    }

    [Fact]
    public void Zero_window_means_reconnect_at_once()
    {
        Assert.Equal(TimeSpan.Zero, ReconnectBackoff.Delay(0, TimeSpan.Zero, TimeSpan.Zero, new Random(1)));
        Assert.Equal(TimeSpan.Zero, ReconnectBackoff.Delay(5, TimeSpan.Zero, TimeSpan.Zero, new Random(1)));
    }

    [Fact]
    public void Negative_attempt_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconnectBackoff.Delay(-1, Window, Cap, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconnectBackoff.Gap(0, Window, Cap));
    }

    /// <summary>
    /// The guarantee itself, on the pure schedule: a fleet that lost the broker together returns spread at most
    /// 1/W a second, and within the cap, whether the outage lasted half a second or an hour.
    /// </summary>
    [Theory]
    [InlineData(0.5)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(26)]
    [InlineData(61)]
    [InlineData(3600)]
    public void After_an_outage_of_any_length_at_most_a_twentieth_of_the_fleet_returns_per_second(double outageSeconds)
    {
        const int fleet = 20_000;
        var random = new Random(1234);
        var outage = TimeSpan.FromSeconds(outageSeconds);
        var returns = new List<TimeSpan>(fleet);
        for (var node = 0; node < fleet; node++)
        {
            var attempt = 0;
            var due = ReconnectBackoff.Delay(attempt++, Window, Cap, random);
            while (due < outage)
            {
                due += ReconnectBackoff.Delay(attempt++, Window, Cap, random);
            }

            returns.Add(due - outage);
        }

        var perSecond = returns.GroupBy(after => (int)after.TotalSeconds).Select(second => second.Count()).ToList();
        // Expected 1/25 = 4 % (800 nodes, σ ≈ 28); 5 % is 7σ above it, 10 % is the requirement.
        Assert.InRange(perSecond.Max(), 1, fleet / 20);
        Assert.True(returns.Max() <= Cap, $"the last node returned {returns.Max()} after the outage");
    }
}
