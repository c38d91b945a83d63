using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Protocol.Tests.Security;

public sealed class ReplayGuardTests
{
    [Fact]
    public void A_number_is_accepted_once()
    {
        var guard = new ReplayGuard(ReplayState.Empty);

        Assert.True(guard.TryAccept(10));
        Assert.False(guard.TryAccept(10));
    }

    [Fact]
    public void A_late_number_within_the_window_is_accepted_once_and_an_older_one_never()
    {
        var guard = new ReplayGuard(ReplayState.Empty);
        guard.TryAccept(5_000);

        Assert.True(guard.TryAccept(4_990));
        Assert.False(guard.TryAccept(4_990));
        Assert.False(guard.TryAccept(5_000 - ReplayGuard.Window));
        Assert.Equal(5_000, guard.HighWater);
    }

    [Fact]
    public void Persisted_state_refuses_every_replay_after_a_reboot()
    {
        var before = new ReplayGuard(ReplayState.Empty);
        foreach (var seq in new long[] { 7, 9, 8, 12 })
        {
            before.TryAccept(seq);
        }

        var after = new ReplayGuard(before.State);

        Assert.All(new long[] { 7, 8, 9, 12 }, seq => Assert.False(after.TryAccept(seq)));
        Assert.True(after.TryAccept(10));
        Assert.True(after.TryAccept(13));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Non_positive_numbers_are_never_accepted(long seq)
    {
        Assert.False(new ReplayGuard(ReplayState.Empty).TryAccept(seq));
    }
}
