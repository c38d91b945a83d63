namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>Decides, as a pure function of an instant and what was done before, what maintenance must do.</summary>
internal static class RetentionPlanner
{
    /// <summary>At most this many hours are aggregated per run, so a controller back after a long stop catches up in steps.</summary>
    public const int MaxHoursPerRun = 24;

    /// <param name="now">The instant judged.</param>
    /// <param name="aggregatedUntil">End of the last aggregated hour; null if none ever was.</param>
    /// <param name="oldestRaw">Receive time of the oldest raw report; null when there is none.</param>
    /// <param name="rawRetention">How long raw reports are kept.</param>
    /// <param name="aggregateRetention">How long hourly aggregates are kept.</param>
    public static RetentionPlan Plan(
        DateTimeOffset now, DateTimeOffset? aggregatedUntil, DateTimeOffset? oldestRaw, TimeSpan rawRetention, TimeSpan aggregateRetention)
    {
        var currentHour = FloorHour(now);
        var start = aggregatedUntil ?? (oldestRaw is { } oldest ? FloorHour(oldest) : currentHour);

        // Hours with no raw report left (everything before the oldest one) hold nothing to aggregate.
        if (oldestRaw is { } first && FloorHour(first) > start)
        {
            start = FloorHour(first);
        }

        var hours = new List<DateTimeOffset>();
        for (var hour = start; hour < currentHour && hours.Count < MaxHoursPerRun; hour = hour.AddHours(1))
        {
            hours.Add(hour);
        }

        // Raw reports go only once their hour is aggregated: pruning never outruns aggregation.
        var aggregatedAfterRun = hours.Count > 0 ? hours[^1].AddHours(1) : aggregatedUntil ?? start;
        var rawCutoff = Min(now - rawRetention, aggregatedAfterRun);
        return new RetentionPlan(hours, rawCutoff, FloorHour(now - aggregateRetention));
    }

    public static DateTimeOffset FloorHour(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
