using SmartLoudspeaker.Node.Audio.Arbiter;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Tests.Audio;

/// <summary>
/// The arbiter follows the priority table of docs/protocol.md ("Priorities") rule by rule: idle plays, higher
/// preempts, equal and lower queue, emergency supersedes emergency, preempted items resume (files before their cut
/// point, live at the present) while their window is open, quiet hours refuse all but emergencies and overrides, and
/// scheduled items start on the tick their instant comes.
/// </summary>
public sealed class ArbiterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    private bool _quiet;

    private Arbiter NewArbiter() => new((cls, overridden) => !_quiet || cls == PriorityClass.Emergency || overridden);

    private static PlayRequest File(string id, PriorityClass cls, DateTimeOffset? start = null, DateTimeOffset? windowEnd = null, TimeSpan? duration = null, bool overridden = false) =>
        new(id, cls, start ?? T0, windowEnd, ResumesFromCutPoint: true, duration, overridden);

    private static PlayRequest Live(string id, PriorityClass cls, DateTimeOffset? start = null, DateTimeOffset? windowEnd = null) =>
        new(id, cls, start ?? T0, windowEnd, ResumesFromCutPoint: false);

    private static DateTimeOffset At(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    [Fact]
    public void An_idle_target_plays_a_file_from_its_start_and_reports_started()
    {
        var arbiter = NewArbiter();

        var result = arbiter.Submit(File("a", PriorityClass.Normal), T0);

        Assert.Equal([new BeginPlay("a", TimeSpan.Zero)], result.Actions);
        Assert.Equal([new ArbiterReport(PlayReportKind.Started, "a", T0)], result.Reports);
        Assert.Equal("a", arbiter.CurrentPlayId);
    }

    [Fact]
    public void An_idle_target_plays_live_at_its_present()
    {
        var result = NewArbiter().Submit(Live("mic", PriorityClass.Live), T0);

        Assert.Equal([new BeginPlay("mic", null)], result.Actions);
    }

    public static TheoryData<PriorityClass, PriorityClass> HigherOverLower()
    {
        var data = new TheoryData<PriorityClass, PriorityClass>();
        foreach (var higher in Enum.GetValues<PriorityClass>())
        {
            foreach (var lower in Enum.GetValues<PriorityClass>().Where(c => c < higher))
            {
                data.Add(higher, lower);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HigherOverLower))]
    public void A_higher_class_cuts_a_lower_one_first_then_begins(PriorityClass higher, PriorityClass lower)
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("low", lower), T0);

        var result = arbiter.Submit(File("high", higher), At(3));

        Assert.Equal([new CutPlay("low"), new BeginPlay("high", TimeSpan.Zero)], result.Actions);
        Assert.Equal(
            [new ArbiterReport(PlayReportKind.Preempted, "low", At(3), By: "high"), new ArbiterReport(PlayReportKind.Started, "high", At(3))],
            result.Reports);
        Assert.Equal("high", arbiter.CurrentPlayId);
        Assert.Equal(["low"], arbiter.WaitingPlayIds);
    }

    [Theory]
    [InlineData(PriorityClass.Background)]
    [InlineData(PriorityClass.Normal)]
    [InlineData(PriorityClass.Priority)]
    [InlineData(PriorityClass.Live)]
    public void An_equal_class_queues_first_come_first_served(PriorityClass cls)
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("first", cls), T0);

        var second = arbiter.Submit(File("second", cls), At(1));
        var third = arbiter.Submit(File("third", cls), At(2));

        Assert.Same(ArbiterResult.None, second);
        Assert.Same(ArbiterResult.None, third);
        Assert.Equal("first", arbiter.CurrentPlayId);

        var afterFirst = arbiter.Finished("first", At(10));
        Assert.Equal([new BeginPlay("second", TimeSpan.Zero)], afterFirst.Actions);
        Assert.Equal(
            [new ArbiterReport(PlayReportKind.Finished, "first", At(10)), new ArbiterReport(PlayReportKind.Started, "second", At(10))],
            afterFirst.Reports);
        Assert.Equal([new BeginPlay("third", TimeSpan.Zero)], arbiter.Finished("second", At(20)).Actions);
    }

    [Fact]
    public void A_lower_class_queues_behind_what_plays()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("bulletin", PriorityClass.Priority), T0);

        Assert.Same(ArbiterResult.None, arbiter.Submit(File("music", PriorityClass.Background), At(1)));
        Assert.Equal("bulletin", arbiter.CurrentPlayId);
        Assert.Equal([new BeginPlay("music", TimeSpan.Zero)], arbiter.Finished("bulletin", At(5)).Actions);
    }

    [Fact]
    public void When_the_target_frees_the_highest_waiting_class_goes_first_then_first_come()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("live", PriorityClass.Live), T0);
        arbiter.Submit(File("music", PriorityClass.Background), At(1));
        arbiter.Submit(File("notice1", PriorityClass.Normal), At(2));
        arbiter.Submit(File("bulletin", PriorityClass.Priority), At(3));
        arbiter.Submit(File("notice2", PriorityClass.Normal), At(4));

        var order = new List<string>();
        var now = At(10);
        while (arbiter.CurrentPlayId is { } playing)
        {
            now += TimeSpan.FromSeconds(10);
            var begun = arbiter.Finished(playing, now).Actions.OfType<BeginPlay>().SingleOrDefault();
            if (begun is not null)
            {
                order.Add(begun.PlayId);
            }
        }

        Assert.Equal(["bulletin", "notice1", "notice2", "music"], order);
    }

    [Fact]
    public void A_preempted_item_resumes_in_its_original_place_within_its_class()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("notice1", PriorityClass.Normal), T0);
        arbiter.Submit(File("notice2", PriorityClass.Normal), At(1));
        arbiter.Submit(File("alarm", PriorityClass.Emergency), At(2));

        var result = arbiter.Finished("alarm", At(10));

        Assert.Equal([new BeginPlay("notice1", TimeSpan.FromSeconds(1.5))], result.Actions);
        Assert.Equal(PlayReportKind.Resumed, result.Reports[^1].Kind);
    }

    [Fact]
    public void An_emergency_supersedes_an_earlier_emergency_which_never_comes_back()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(Live("stuck-mic", PriorityClass.Emergency), T0);

        var result = arbiter.Submit(File("cap-alert", PriorityClass.Emergency), At(30));

        Assert.Equal([new CutPlay("stuck-mic"), new BeginPlay("cap-alert", TimeSpan.Zero)], result.Actions);
        Assert.Equal(new ArbiterReport(PlayReportKind.Superseded, "stuck-mic", At(30), By: "cap-alert"), result.Reports[0]);
        Assert.Empty(arbiter.WaitingPlayIds);

        var after = arbiter.Finished("cap-alert", At(60));
        Assert.Empty(after.Actions);
        Assert.Null(arbiter.CurrentPlayId);
    }

    [Fact]
    public void A_preempted_file_resumes_half_a_second_before_its_cut_point_after_the_preemptor_finishes()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("programme", PriorityClass.Normal, windowEnd: At(3600)), T0);
        arbiter.Submit(Live("mic", PriorityClass.Live), At(12.25));

        var result = arbiter.Finished("mic", At(100));

        Assert.Equal([new BeginPlay("programme", TimeSpan.FromSeconds(11.75))], result.Actions);
        Assert.Equal(
            [new ArbiterReport(PlayReportKind.Finished, "mic", At(100)), new ArbiterReport(PlayReportKind.Resumed, "programme", At(100))],
            result.Reports);
    }

    [Fact]
    public void A_file_preempted_twice_counts_its_position_from_where_it_resumed()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("programme", PriorityClass.Normal), T0);
        arbiter.Submit(File("b1", PriorityClass.Priority), At(10));
        arbiter.Finished("b1", At(20));                    // resumes from 9.5 s
        arbiter.Submit(File("b2", PriorityClass.Priority), At(25)); // cut at 9.5 + 5 = 14.5 s

        Assert.Equal([new BeginPlay("programme", TimeSpan.FromSeconds(14))], arbiter.Finished("b2", At(30)).Actions);
    }

    [Fact]
    public void A_file_cut_in_its_first_half_second_resumes_from_zero()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("programme", PriorityClass.Normal), T0);
        arbiter.Submit(File("alarm", PriorityClass.Emergency), At(0.2));

        Assert.Equal([new BeginPlay("programme", TimeSpan.Zero)], arbiter.Finished("alarm", At(5)).Actions);
    }

    [Fact]
    public void A_file_cut_at_its_end_is_finished_not_resumed()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("jingle", PriorityClass.Background, duration: TimeSpan.FromSeconds(3)), T0);

        var result = arbiter.Submit(File("notice", PriorityClass.Normal), At(3));

        Assert.Contains(new ArbiterReport(PlayReportKind.Finished, "jingle", At(3)), result.Reports);
        Assert.Empty(arbiter.WaitingPlayIds);
    }

    [Fact]
    public void A_preempted_live_stream_resumes_at_its_present()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(Live("radio", PriorityClass.Normal), T0);
        arbiter.Submit(File("alarm", PriorityClass.Emergency), At(40));

        var result = arbiter.Finished("alarm", At(70));

        Assert.Equal([new BeginPlay("radio", null)], result.Actions);
        Assert.Equal(PlayReportKind.Resumed, result.Reports[^1].Kind);
    }

    [Fact]
    public void A_preempted_item_whose_window_closed_is_reported_failed_not_resumed()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("notice", PriorityClass.Normal, windowEnd: At(60)), T0);
        arbiter.Submit(File("alarm", PriorityClass.Emergency), At(10));

        var result = arbiter.Finished("alarm", At(90));

        Assert.Empty(result.Actions);
        Assert.Contains(new ArbiterReport(PlayReportKind.Failed, "notice", At(90), Reason: ArbiterReasons.WindowClosed), result.Reports);
        Assert.Null(arbiter.CurrentPlayId);
    }

    [Fact]
    public void A_tick_after_the_window_closes_drops_the_waiting_item()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("notice", PriorityClass.Normal, windowEnd: At(60)), T0);
        arbiter.Submit(File("alarm", PriorityClass.Emergency), At(10));

        Assert.Same(ArbiterResult.None, arbiter.Tick(At(59)));
        var result = arbiter.Tick(At(60));

        Assert.Equal([new ArbiterReport(PlayReportKind.Failed, "notice", At(60), Reason: ArbiterReasons.WindowClosed)], result.Reports);
        Assert.Empty(arbiter.WaitingPlayIds);
        Assert.Equal("alarm", arbiter.CurrentPlayId);
    }

    [Fact]
    public void An_item_whose_window_already_closed_fails_at_submit()
    {
        var result = NewArbiter().Submit(File("late", PriorityClass.Normal, windowEnd: At(-1)), T0);

        Assert.Empty(result.Actions);
        Assert.Equal([new ArbiterReport(PlayReportKind.Failed, "late", T0, Reason: ArbiterReasons.WindowClosed)], result.Reports);
    }

    [Theory]
    [InlineData(PriorityClass.Background)]
    [InlineData(PriorityClass.Normal)]
    [InlineData(PriorityClass.Priority)]
    [InlineData(PriorityClass.Live)]
    public void Quiet_hours_refuse_a_non_emergency_without_override(PriorityClass cls)
    {
        _quiet = true;
        var arbiter = NewArbiter();

        var result = arbiter.Submit(File("x", cls), T0);

        Assert.Empty(result.Actions);
        Assert.Equal([new ArbiterReport(PlayReportKind.Failed, "x", T0, Reason: ArbiterReasons.QuietHours)], result.Reports);
        Assert.Null(arbiter.CurrentPlayId);
    }

    [Fact]
    public void Quiet_hours_admit_an_emergency_and_an_overridden_item()
    {
        _quiet = true;
        var arbiter = NewArbiter();

        Assert.Equal([new BeginPlay("signed", TimeSpan.Zero)], arbiter.Submit(File("signed", PriorityClass.Normal, overridden: true), T0).Actions);
        Assert.Equal(
            [new CutPlay("signed"), new BeginPlay("alarm", TimeSpan.Zero)],
            arbiter.Submit(File("alarm", PriorityClass.Emergency), At(1)).Actions);
    }

    [Fact]
    public void A_refused_higher_item_does_not_cut_what_plays()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("signed", PriorityClass.Normal, overridden: true), T0);
        _quiet = true;

        var result = arbiter.Submit(Live("mic", PriorityClass.Live), At(1));

        Assert.Empty(result.Actions);
        Assert.Equal("signed", arbiter.CurrentPlayId);
    }

    [Fact]
    public void A_preempted_item_is_refused_on_resume_once_quiet_hours_began()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("notice", PriorityClass.Normal), T0);
        arbiter.Submit(File("alarm", PriorityClass.Emergency), At(1));
        _quiet = true;

        var result = arbiter.Finished("alarm", At(5));

        Assert.Empty(result.Actions);
        Assert.Contains(new ArbiterReport(PlayReportKind.Failed, "notice", At(5), Reason: ArbiterReasons.QuietHours), result.Reports);
    }

    [Fact]
    public void A_scheduled_item_starts_on_the_tick_its_instant_comes()
    {
        var arbiter = NewArbiter();

        Assert.Same(ArbiterResult.None, arbiter.Submit(File("morning", PriorityClass.Normal, start: At(60)), T0));
        Assert.Null(arbiter.CurrentPlayId);
        Assert.Same(ArbiterResult.None, arbiter.Tick(At(59.9)));

        var result = arbiter.Tick(At(60));

        Assert.Equal([new BeginPlay("morning", TimeSpan.Zero)], result.Actions);
        Assert.Equal([new ArbiterReport(PlayReportKind.Started, "morning", At(60))], result.Reports);
    }

    [Fact]
    public void A_scheduled_higher_item_preempts_on_its_tick()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("music", PriorityClass.Background), T0);
        arbiter.Submit(File("bulletin", PriorityClass.Priority, start: At(30)), T0);

        Assert.Equal("music", arbiter.CurrentPlayId);
        var result = arbiter.Tick(At(30));

        Assert.Equal([new CutPlay("music"), new BeginPlay("bulletin", TimeSpan.Zero)], result.Actions);
    }

    [Fact]
    public void Two_items_due_on_one_tick_go_by_class()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("notice", PriorityClass.Normal, start: At(10)), T0);
        arbiter.Submit(File("bulletin", PriorityClass.Priority, start: At(20)), T0);

        var result = arbiter.Tick(At(30));

        Assert.Equal([new BeginPlay("bulletin", TimeSpan.Zero)], result.Actions);
        Assert.Equal(["notice"], arbiter.WaitingPlayIds);
    }

    [Fact]
    public void A_queued_item_whose_window_closes_while_it_waits_never_starts()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("long", PriorityClass.Normal), T0);
        arbiter.Submit(File("notice", PriorityClass.Normal, windowEnd: At(30)), At(1));

        var tick = arbiter.Tick(At(31));
        var after = arbiter.Finished("long", At(40));

        Assert.Equal([new ArbiterReport(PlayReportKind.Failed, "notice", At(31), Reason: ArbiterReasons.WindowClosed)], tick.Reports);
        Assert.Empty(after.Actions);
    }

    [Fact]
    public void A_scheduled_item_whose_window_ends_before_its_tick_fails_instead_of_starting_late()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("morning", PriorityClass.Normal, start: At(60), windowEnd: At(120)), T0);

        var result = arbiter.Tick(At(130));

        Assert.Empty(result.Actions);
        Assert.Equal([new ArbiterReport(PlayReportKind.Failed, "morning", At(130), Reason: ArbiterReasons.WindowClosed)], result.Reports);
    }

    [Fact]
    public void Stopping_a_scheduled_item_before_its_instant_keeps_it_from_starting()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("morning", PriorityClass.Normal, start: At(60)), T0);

        arbiter.Stop("morning", At(10));

        Assert.Same(ArbiterResult.None, arbiter.Tick(At(60)));
        Assert.Null(arbiter.CurrentPlayId);
    }

    [Fact]
    public void Stopping_a_queued_item_removes_it()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("first", PriorityClass.Normal), T0);
        arbiter.Submit(File("second", PriorityClass.Normal), At(1));

        var stopped = arbiter.Stop("second", At(2));

        Assert.Empty(stopped.Actions);
        Assert.Equal([new ArbiterReport(PlayReportKind.Finished, "second", At(2), Reason: ArbiterReasons.Stopped)], stopped.Reports);
        Assert.Empty(arbiter.WaitingPlayIds);
        Assert.Empty(arbiter.Finished("first", At(5)).Actions);
    }

    [Fact]
    public void Stopping_what_plays_cuts_it_and_the_next_goes()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("first", PriorityClass.Normal), T0);
        arbiter.Submit(File("second", PriorityClass.Normal), At(1));

        var result = arbiter.Stop("first", At(2));

        Assert.Equal([new CutPlay("first"), new BeginPlay("second", TimeSpan.Zero)], result.Actions);
        Assert.Equal(new ArbiterReport(PlayReportKind.Finished, "first", At(2), Reason: ArbiterReasons.Stopped), result.Reports[0]);
    }

    [Fact]
    public void A_playout_failure_is_reported_and_the_next_goes()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("first", PriorityClass.Normal), T0);
        arbiter.Submit(File("second", PriorityClass.Normal), At(1));

        var result = arbiter.Failed("first", ArbiterReasons.HardwareNotReady, At(2));

        Assert.Equal([new BeginPlay("second", TimeSpan.Zero)], result.Actions);
        Assert.Equal(new ArbiterReport(PlayReportKind.Failed, "first", At(2), Reason: ArbiterReasons.HardwareNotReady), result.Reports[0]);
    }

    [Fact]
    public void A_resend_of_a_held_play_and_a_stale_finish_change_nothing()
    {
        var arbiter = NewArbiter();
        arbiter.Submit(File("a", PriorityClass.Normal), T0);

        Assert.Same(ArbiterResult.None, arbiter.Submit(File("a", PriorityClass.Normal), At(1)));
        Assert.Same(ArbiterResult.None, arbiter.Finished("other", At(2)));
        Assert.Empty(arbiter.WaitingPlayIds);
        Assert.Equal("a", arbiter.CurrentPlayId);
    }
}
