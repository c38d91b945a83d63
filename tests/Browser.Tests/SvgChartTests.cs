using SmartLoudspeaker.Controller.Fleet.Pages.Charts;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>The server-side chart drawing, as pure functions: points in, SVG out.</summary>
public sealed class SvgChartTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(90);

    private static ChartFrame Frame => new(T0, T0.AddMinutes(10), Min: 0, Max: 100, Width: 600, Height: 120, Margin: 10);

    [Fact]
    public void Points_become_one_line_from_left_to_right_with_high_values_at_the_top()
    {
        var points = new[] { new ChartPoint(T0, 0), new ChartPoint(T0.AddMinutes(1), 50), new ChartPoint(T0.AddMinutes(2), 100) };

        Assert.Equal("M0 110 L60 60 L120 10", SvgChart.Path(points, Frame, Gap));
    }

    [Fact]
    public void Points_are_drawn_in_time_order_whatever_order_they_come_in()
    {
        var points = new[] { new ChartPoint(T0.AddMinutes(1), 50), new ChartPoint(T0, 0) };

        Assert.Equal("M0 110 L60 60", SvgChart.Path(points, Frame, Gap));
    }

    [Fact]
    public void No_data_draws_no_line()
    {
        Assert.Equal(string.Empty, SvgChart.Path([], Frame, Gap));
        Assert.Equal(string.Empty, SvgChart.Path([new ChartPoint(T0, null)], Frame, Gap));

        var svg = SvgChart.Render([], SvgChart.FrameFor([], T0, T0), Gap, "Nhiệt độ", "Nhiệt độ: không có số liệu", "c");
        Assert.Contains("data-points=\"0\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"line\"", svg, StringComparison.Ordinal);
        Assert.Contains("role=\"img\"", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silence_longer_than_the_gap_lifts_the_pen()
    {
        var points = new[]
        {
            new ChartPoint(T0, 0), new ChartPoint(T0.AddMinutes(1), 0),
            new ChartPoint(T0.AddMinutes(5), 100), new ChartPoint(T0.AddMinutes(6), 100),
        };

        Assert.Equal("M0 110 L60 110 M300 10 L360 10", SvgChart.Path(points, Frame, Gap));
    }

    [Fact]
    public void A_missing_value_lifts_the_pen()
    {
        var points = new[] { new ChartPoint(T0, 0), new ChartPoint(T0.AddMinutes(1), null), new ChartPoint(T0.AddMinutes(2), 100) };

        Assert.Equal("M0 110 M120 10", SvgChart.Path(points, Frame, Gap));
    }

    [Fact]
    public void Values_outside_the_frame_are_clamped_to_its_edges()
    {
        var points = new[] { new ChartPoint(T0.AddMinutes(-1), 500), new ChartPoint(T0.AddMinutes(20), -500) };

        Assert.Equal("M0 10 M600 110", SvgChart.Path(points, Frame, Gap));
    }

    [Fact]
    public void A_flat_series_is_drawn_across_the_middle_of_a_span_with_different_top_and_bottom()
    {
        var points = new[] { new ChartPoint(T0, 42), new ChartPoint(T0.AddMinutes(1), 42) };
        var frame = SvgChart.FrameFor(points, T0, T0.AddMinutes(1));

        Assert.Equal("M0 60 L600 60", SvgChart.Path(points, frame, Gap));
        Assert.True(frame.Max - frame.Min >= 2, $"A flat series labels its axis {frame.Min}–{frame.Max}: the same figure top and bottom.");
        Assert.True(frame.Min < 42 && frame.Max > 42);
    }

    [Fact]
    public void A_flat_series_of_zeros_with_a_floor_stays_above_it()
    {
        var points = new[] { new ChartPoint(T0, 0), new ChartPoint(T0.AddMinutes(1), 0) };

        var frame = SvgChart.FrameFor(points, T0, T0.AddMinutes(1), floor: 0);

        Assert.Equal(0, frame.Min);
        Assert.True(frame.Max > 0);
    }

    [Fact]
    public void The_frame_is_padded_beyond_the_extremes_so_they_are_not_on_the_axis_labels()
    {
        var points = new[] { new ChartPoint(T0, 40), new ChartPoint(T0.AddMinutes(1), 60) };

        var frame = SvgChart.FrameFor(points, T0, T0.AddMinutes(1));

        Assert.Equal(39, frame.Min, precision: 6);
        Assert.Equal(61, frame.Max, precision: 6);
    }

    [Fact]
    public void The_frame_covers_the_band_of_summaries_not_only_their_averages()
    {
        var points = new[] { new ChartPoint(T0, 50, Low: 10, High: 90) };

        var frame = SvgChart.FrameFor(points, T0, T0.AddHours(1));

        Assert.True(frame.Min <= 10 && frame.Max >= 90);
    }

    [Fact]
    public void Summaries_draw_a_band_from_their_highs_back_along_their_lows()
    {
        var points = new[]
        {
            new ChartPoint(T0, 50, Low: 0, High: 100),
            new ChartPoint(T0.AddMinutes(1), 50, Low: 40, High: 60),
        };

        var band = SvgChart.Band(points, Frame, Gap);

        // Highs left to right (y 10, then 110 - 0.6 * 100 = 50), then lows right to left (70, 110), closed.
        Assert.Equal("M0 10 L60 50 L60 70 L0 110 Z", band);
        Assert.Equal("M0 60 L60 60", SvgChart.Path(points, Frame, Gap));
    }

    [Fact]
    public void A_gap_splits_the_band_as_it_splits_the_line()
    {
        var points = new[]
        {
            new ChartPoint(T0, 50, Low: 0, High: 100), new ChartPoint(T0.AddMinutes(1), 50, Low: 0, High: 100),
            new ChartPoint(T0.AddMinutes(5), 50, Low: 0, High: 100), new ChartPoint(T0.AddMinutes(6), 50, Low: 0, High: 100),
        };

        Assert.Equal("M0 10 L60 10 L60 110 L0 110 Z M300 10 L360 10 L360 110 L300 110 Z", SvgChart.Band(points, Frame, Gap));
        Assert.Equal("M0 60 L60 60 M300 60 L360 60", SvgChart.Path(points, Frame, Gap));
    }

    [Fact]
    public void Raw_points_without_extremes_draw_no_band()
    {
        var points = new[] { new ChartPoint(T0, 0), new ChartPoint(T0.AddMinutes(1), 50) };

        Assert.Equal(string.Empty, SvgChart.Band(points, Frame, Gap));
    }

    [Fact]
    public void A_single_point_is_drawn_as_a_visible_mark_with_its_band_as_a_stroke()
    {
        var points = new[] { new ChartPoint(T0.AddMinutes(5), 50, Low: 40, High: 60) };
        var frame = SvgChart.FrameFor(points, T0, T0.AddMinutes(10));

        var svg = SvgChart.Render(points, frame, Gap, "Tải", "Tải: một giờ", "c");

        Assert.Contains("class=\"dot\" d=\"M300 60 h0\"", svg, StringComparison.Ordinal);
        Assert.Contains("class=\"band\" d=\"M300 ", svg, StringComparison.Ordinal);
        Assert.Contains("data-points=\"1\"", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_lone_points_get_a_mark()
    {
        var points = new[] { new ChartPoint(T0, 0), new ChartPoint(T0.AddMinutes(1), 0), new ChartPoint(T0.AddMinutes(5), 100) };

        Assert.Equal("M300 10 h0", SvgChart.Dots(points, Frame, Gap));
    }

    [Fact]
    public void Time_ticks_become_vertical_grid_lines()
    {
        var svg = SvgChart.Render([new ChartPoint(T0, 1)], Frame, Gap, "t", "d", "c", [T0.AddMinutes(5)]);

        Assert.Contains("<path class=\"grid\" d=\"M0 60 H600 M300 0 V120\"/>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chart_counts_its_points_marks_flagged_samples_and_has_an_escaped_title_and_description()
    {
        var points = new[] { new ChartPoint(T0, 1), new ChartPoint(T0.AddMinutes(1), 2, Flagged: true), new ChartPoint(T0.AddMinutes(2), null, Flagged: true) };

        var svg = SvgChart.Render(points, Frame, Gap, "a \"quoted\" <title>", "lowest <1>", "chart-temp");

        Assert.StartsWith("<svg ", svg, StringComparison.Ordinal);
        Assert.Contains("data-points=\"2\"", svg, StringComparison.Ordinal);
        Assert.Equal(2, svg.Split("class=\"flag\"").Length - 1);
        Assert.Contains("aria-labelledby=\"chart-temp-t\" aria-describedby=\"chart-temp-d\"", svg, StringComparison.Ordinal);
        Assert.Contains("<title id=\"chart-temp-t\">a &quot;quoted&quot; &lt;title&gt;</title>", svg, StringComparison.Ordinal);
        Assert.Contains("<desc id=\"chart-temp-d\">lowest &lt;1&gt;</desc>", svg, StringComparison.Ordinal);
    }
}
