using SmartLoudspeaker.Controller.Fleet.Storage;

namespace SmartLoudspeaker.Controller.Tests.Fleet.Storage;

public sealed class RetentionPlannerTests
{
    private static readonly TimeSpan Raw = TimeSpan.FromHours(48);
    private static readonly TimeSpan Hourly = TimeSpan.FromDays(400);
    private static readonly DateTimeOffset Day = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_complete_hour_since_the_oldest_report_is_aggregated_and_the_current_one_is_not()
    {
        var plan = RetentionPlanner.Plan(Day.AddHours(13).AddMinutes(5), aggregatedUntil: null, oldestRaw: Day.AddHours(10).AddMinutes(20), Raw, Hourly);
        Assert.Equal([Day.AddHours(10), Day.AddHours(11), Day.AddHours(12)], plan.AggregateHours);
    }

    [Fact]
    public void Aggregation_resumes_after_the_last_aggregated_hour()
    {
        var plan = RetentionPlanner.Plan(Day.AddHours(13).AddMinutes(5), aggregatedUntil: Day.AddHours(12), oldestRaw: Day, Raw, Hourly);
        Assert.Equal([Day.AddHours(12)], plan.AggregateHours);
    }

    [Fact]
    public void Raw_reports_are_pruned_after_the_retention_window()
    {
        var now = Day.AddDays(5).AddMinutes(30);
        var plan = RetentionPlanner.Plan(now, aggregatedUntil: RetentionPlanner.FloorHour(now), oldestRaw: Day.AddDays(2), Raw, Hourly);
        Assert.Empty(plan.AggregateHours);
        Assert.Equal(now - Raw, plan.PruneRawBefore);
    }

    [Fact]
    public void Pruning_never_deletes_raw_reports_of_an_hour_not_yet_aggregated()
    {
        // Back after a five-day stop: one run aggregates a day, and raw reports beyond it are kept for the next runs.
        var now = Day.AddDays(5);
        var plan = RetentionPlanner.Plan(now, aggregatedUntil: Day, oldestRaw: Day, Raw, Hourly);
        Assert.Equal(RetentionPlanner.MaxHoursPerRun, plan.AggregateHours.Count);
        Assert.Equal(Day.AddHours(RetentionPlanner.MaxHoursPerRun), plan.PruneRawBefore);
    }

    [Fact]
    public void Hourly_aggregates_are_pruned_after_their_own_retention()
    {
        var now = Day.AddDays(500).AddMinutes(10);
        var plan = RetentionPlanner.Plan(now, aggregatedUntil: RetentionPlanner.FloorHour(now), oldestRaw: null, Raw, Hourly);
        Assert.Equal(RetentionPlanner.FloorHour(now - Hourly), plan.PruneAggregatesBefore);
    }

    [Fact]
    public void An_empty_store_has_nothing_to_aggregate()
    {
        var plan = RetentionPlanner.Plan(Day.AddHours(5), aggregatedUntil: null, oldestRaw: null, Raw, Hourly);
        Assert.Empty(plan.AggregateHours);
    }
}
