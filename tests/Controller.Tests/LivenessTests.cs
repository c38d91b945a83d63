using SmartLoudspeaker.Controller.Fleet;

namespace SmartLoudspeaker.Controller.Tests;

public sealed class LivenessTests
{
    private static readonly DateTimeOffset LastSeen = new(2026, 5, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, false)]
    [InlineData(30, false)]
    [InlineData(74.999, false)]
    [InlineData(75, true)]
    [InlineData(3600, true)]
    public void A_node_is_silent_from_factor_times_heartbeat_after_it_was_last_seen(double secondsLater, bool silent) =>
        Assert.Equal(silent, Liveness.IsSilent(LastSeen, Heartbeat, 2.5, LastSeen.AddSeconds(secondsLater)));

    [Fact]
    public void A_message_stamped_after_now_does_not_make_a_node_silent() =>
        Assert.False(Liveness.IsSilent(LastSeen, Heartbeat, 2.5, LastSeen.AddSeconds(-10)));

    [Fact]
    public void The_factor_scales_the_allowance() =>
        Assert.True(Liveness.IsSilent(LastSeen, Heartbeat, 1, LastSeen.AddSeconds(30)));

    [Fact]
    public void A_non_positive_heartbeat_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Liveness.IsSilent(LastSeen, TimeSpan.Zero, 2.5, LastSeen));

    [Theory]
    [InlineData(30, 30)]
    [InlineData(300, 300)]
    [InlineData(301, 300)]
    [InlineData(3600, 300)]
    public void The_believed_heartbeat_is_the_stated_one_capped_at_the_maximum(int stated, int believed) =>
        Assert.Equal(TimeSpan.FromSeconds(believed), Liveness.Believed(TimeSpan.FromSeconds(stated), TimeSpan.FromSeconds(300)));
}
