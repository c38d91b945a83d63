using SmartLoudspeaker.Controller.Fleet.Pages.Charts;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>Time labels fall on round times of the commune's clock, not of UTC.</summary>
public sealed class TimeAxisTests
{
    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    [Fact]
    public void Hour_ticks_fall_on_whole_local_hours_counted_from_local_midnight()
    {
        // 01:20 UTC is 08:20 in Vietnam; with a 6-hour step the labels are 12:00 and 18:00 local.
        var from = new DateTimeOffset(2025, 6, 1, 1, 20, 0, TimeSpan.Zero);

        var ticks = TimeAxis.Ticks(from, from.AddHours(12), TimeSpan.FromHours(6), Vietnam);

        Assert.Equal(
            [new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.FromHours(7)), new DateTimeOffset(2025, 6, 1, 18, 0, 0, TimeSpan.FromHours(7))],
            ticks);
    }

    [Fact]
    public void Day_ticks_fall_on_local_midnights_not_utc_ones()
    {
        var from = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

        var ticks = TimeAxis.Ticks(from, from.AddDays(3), TimeSpan.FromDays(1), Vietnam);

        Assert.Equal(3, ticks.Count);
        Assert.All(ticks, tick => Assert.Equal(17, tick.UtcDateTime.Hour));
    }

    [Fact]
    public void An_empty_or_backwards_span_has_no_ticks()
    {
        var at = new DateTimeOffset(2025, 6, 1, 0, 30, 0, TimeSpan.Zero);

        Assert.Empty(TimeAxis.Ticks(at, at, TimeSpan.FromHours(1), Vietnam));
        Assert.Empty(TimeAxis.Ticks(at, at.AddHours(-5), TimeSpan.FromHours(1), Vietnam));
    }
}
