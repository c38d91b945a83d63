namespace SmartLoudspeaker.Node.Tests;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    [InlineData(5, 30)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    [InlineData(int.MaxValue, 30)]
    public void Ceiling_doubles_per_attempt_up_to_the_cap(int attempt, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ReconnectBackoff.Ceiling(attempt, Base, Cap));

    [Fact]
    public void Delay_is_full_jitter_within_zero_and_the_ceiling()
    {
        var random = new Random(42);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var ceiling = ReconnectBackoff.Ceiling(attempt, Base, Cap);
            var delays = Enumerable.Range(0, 500).Select(_ => ReconnectBackoff.Delay(attempt, Base, Cap, random)).ToList();

            Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.Zero, ceiling));
            Assert.All(delays, delay => Assert.True(delay < ceiling));
            // Full jitter uses the whole window, not just its top half.
            Assert.Contains(delays, delay => delay < ceiling * 0.1);
            Assert.Contains(delays, delay => delay > ceiling * 0.9);
        }
    }

    [Fact]
    public void Delay_never_exceeds_thirty_seconds_with_default_settings()
    {
        var random = new Random(7);
        var longest = Enumerable.Range(0, 10_000).Select(i => ReconnectBackoff.Delay(i % 64, Base, Cap, random)).Max();
        Assert.True(longest <= Cap);
        Assert.True(longest > TimeSpan.FromSeconds(29));
    }

    [Fact]
    public void Same_seed_gives_the_same_delays()
    {
        var a = new Random(5);
        var b = new Random(5);
        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => ReconnectBackoff.Delay(i, Base, Cap, a)),
            Enumerable.Range(0, 10).Select(i => ReconnectBackoff.Delay(i, Base, Cap, b)));
    }

    [Fact]
    public void Zero_base_means_reconnect_at_once() =>
        Assert.Equal(TimeSpan.Zero, ReconnectBackoff.Delay(5, TimeSpan.Zero, Cap, new Random(1)));

    [Fact]
    public void Negative_attempt_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconnectBackoff.Ceiling(-1, Base, Cap));
}
