namespace SmartLoudspeaker.Controller.Fleet.Pages.Charts;

/// <summary>
/// Where a chart's time labels go: on round hours or midnights of the commune's wall clock, not of UTC, because the
/// technician reads "06:00" or "3 June" against the commune hall's clock.
/// </summary>
public static class TimeAxis
{
    /// <summary>
    /// The instants in [<paramref name="from"/>, <paramref name="to"/>] that fall on a whole multiple of
    /// <paramref name="step"/> counted from local midnight in <paramref name="zone"/> (a step of a day or more counts
    /// whole days from the first local midnight of the span). A local time skipped by a clock change is left out.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> Ticks(DateTimeOffset from, DateTimeOffset to, TimeSpan step, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        var ticks = new List<DateTimeOffset>();
        if (to < from)
        {
            return ticks;
        }

        var localFrom = TimeZoneInfo.ConvertTime(from, zone).DateTime;
        var day = localFrom.Date;
        DateTime local;
        if (step >= TimeSpan.FromDays(1))
        {
            local = day;
        }
        else
        {
            var intoDay = localFrom - day;
            local = day + TimeSpan.FromTicks(intoDay.Ticks - (intoDay.Ticks % step.Ticks));
        }

        // A few thousand iterations at most for any range the page offers; the bound keeps a bad step from spinning.
        for (var guard = 0; guard < 10_000; guard++, local += step)
        {
            if (zone.IsInvalidTime(local))
            {
                continue;
            }

            var instant = new DateTimeOffset(local, zone.GetUtcOffset(local));
            if (instant > to)
            {
                break;
            }

            if (instant >= from)
            {
                ticks.Add(instant);
            }
        }

        return ticks;
    }
}
