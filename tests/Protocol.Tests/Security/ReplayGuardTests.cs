using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Tests.Security;

public sealed class ReplayGuardTests
{
    private const long Millisecond = 1_000;
    private const long Start = 1_777_593_600_000_000;

    [Fact]
    public void A_number_is_accepted_once()
    {
        var guard = new ReplayGuard(ReplayState.Empty);

        Assert.Equal(ReplayDecision.Accepted, guard.Admit(10));
        Assert.Equal(ReplayDecision.Seen, guard.Admit(10));
    }

    [Fact]
    public void A_command_issued_two_milliseconds_before_one_already_accepted_is_accepted_once()
    {
        var guard = new ReplayGuard(ReplayState.Empty);
        Assert.Equal(ReplayDecision.Accepted, guard.Admit(Start + (2 * Millisecond)));

        Assert.Equal(ReplayDecision.Accepted, guard.Admit(Start));
        Assert.Equal(ReplayDecision.Seen, guard.Admit(Start));
        Assert.Equal(Start + (2 * Millisecond), guard.HighWater);
    }

    [Fact]
    public void Unseen_numbers_are_accepted_up_to_ten_minutes_of_numbering_below_the_high_water_mark_and_never_further()
    {
        var guard = new ReplayGuard(ReplayState.Empty);
        var highWater = Start + TimeSpan.FromMinutes(10).Ticks / TimeSpan.TicksPerMicrosecond;
        Assert.Equal(ReplayDecision.Accepted, guard.Admit(highWater));

        Assert.Equal(ReplayDecision.Accepted, guard.Admit(Start + 1));
        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start));
        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start - 1));
        Assert.Equal(Start, guard.Floor);
    }

    [Fact]
    public void Numbers_that_fall_below_the_window_as_the_high_water_mark_rises_are_forgotten_and_refused_as_too_old()
    {
        var guard = new ReplayGuard(ReplayState.Empty);
        guard.Admit(Start);
        guard.Admit(Start + 5);

        guard.Admit(Start + ReplayGuard.Window + 3);

        Assert.Equal([Start + 5, Start + ReplayGuard.Window + 3], guard.State.Recent);
        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start));
        Assert.Equal(ReplayDecision.Seen, guard.Admit(Start + 5));
        Assert.Equal(ReplayDecision.Accepted, guard.Admit(Start + 4));
    }

    [Fact]
    public void Persisted_state_refuses_every_replay_after_a_reboot()
    {
        var before = new ReplayGuard(ReplayState.Empty);
        foreach (var seq in new long[] { 7, 9, 8, 12 })
        {
            before.Admit(seq);
        }

        var after = new ReplayGuard(before.State);

        Assert.All(new long[] { 7, 8, 9, 12 }, seq => Assert.Equal(ReplayDecision.Seen, after.Admit(seq)));
        Assert.Equal(ReplayDecision.Accepted, after.Admit(10));
        Assert.Equal(ReplayDecision.Accepted, after.Admit(13));
    }

    [Fact]
    public void When_full_the_oldest_number_is_forgotten_by_raising_the_floor_to_it_so_it_is_never_accepted_again()
    {
        var guard = new ReplayGuard(ReplayState.Empty);
        for (var i = 1; i <= ReplayGuard.Capacity; i++)
        {
            Assert.Equal(ReplayDecision.Accepted, guard.Admit(Start + (2 * i)));
        }

        Assert.Equal(ReplayDecision.Accepted, guard.Admit(Start + (2 * ReplayGuard.Capacity) + 2));

        Assert.Equal(ReplayGuard.Capacity, guard.State.Recent.Count);
        Assert.Equal(Start + 2, guard.Floor);
        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start + 2));
        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start + 1));
        Assert.Equal(ReplayDecision.Seen, guard.Admit(Start + 4));
    }

    [Fact]
    public void When_full_a_number_older_than_every_remembered_one_is_refused_as_too_old_rather_than_forgetting_a_newer_one()
    {
        var guard = new ReplayGuard(ReplayState.Empty);
        guard.Admit(Start);
        for (var i = 1; i <= ReplayGuard.Capacity; i++)
        {
            guard.Admit(Start + 10 + i);
        }

        // Full of Start + 11 and above, with the floor at Start: Start + 5 was never seen, but it is the oldest of all.
        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start + 5));
        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start + 5));
        Assert.Equal(ReplayDecision.Seen, guard.Admit(Start + 11));
        Assert.Equal(ReplayGuard.Capacity, guard.State.Recent.Count);
    }

    [Fact]
    public void Persisted_state_that_holds_more_than_the_capacity_is_cut_to_it_by_raising_the_floor()
    {
        var recent = Enumerable.Range(1, ReplayGuard.Capacity + 10).Select(i => Start + i).ToList();

        var guard = new ReplayGuard(new ReplayState(recent[^1], Start, recent));

        Assert.Equal(ReplayGuard.Capacity, guard.State.Recent.Count);
        Assert.Equal(Start + 10, guard.Floor);
        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start + 10));
        Assert.Equal(ReplayDecision.Seen, guard.Admit(Start + 11));
    }

    [Fact]
    public void A_persisted_number_above_the_persisted_high_water_mark_is_still_refused()
    {
        var guard = new ReplayGuard(new ReplayState(Start, Start - 10, [Start, Start + 7]));

        Assert.Equal(ReplayDecision.Seen, guard.Admit(Start + 7));
        Assert.Equal(Start + 7, guard.HighWater);
    }

    [Fact]
    public void A_persisted_floor_above_the_window_is_kept()
    {
        var guard = new ReplayGuard(new ReplayState(Start, Start - 100, [Start]));

        Assert.Equal(ReplayDecision.TooOld, guard.Admit(Start - 100));
        Assert.Equal(ReplayDecision.Accepted, guard.Admit(Start - 99));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Non_positive_numbers_are_never_accepted(long seq)
    {
        Assert.NotEqual(ReplayDecision.Accepted, new ReplayGuard(ReplayState.Empty).Admit(seq));
        Assert.NotEqual(ReplayDecision.Accepted, new ReplayGuard(new ReplayState(5, -2000, [5])).Admit(seq));
    }
}
