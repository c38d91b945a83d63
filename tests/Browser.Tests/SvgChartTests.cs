using SmartLoudspeaker.Controller.Web.Charts;

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

        var svg = SvgChart.Render([], SvgChart.FrameFor([], T0, T0), Gap, "Nhiệt độ: không có số liệu");
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
    public void A_flat_series_is_drawn_across_the_middle()
    {
        var points = new[] { new ChartPoint(T0, 42), new ChartPoint(T0.AddMinutes(1), 42) };
        var frame = SvgChart.FrameFor(points, T0, T0.AddMinutes(1));

        Assert.Equal("M0 60 L600 60", SvgChart.Path(points, frame, Gap));
    }

    [Fact]
    public void The_chart_counts_its_points_marks_flagged_samples_and_escapes_its_label()
    {
        var points = new[] { new ChartPoint(T0, 1), new ChartPoint(T0.AddMinutes(1), 2, Flagged: true), new ChartPoint(T0.AddMinutes(2), null, Flagged: true) };

        var svg = SvgChart.Render(points, Frame, Gap, "a \"quoted\" <label>");

        Assert.StartsWith("<svg ", svg, StringComparison.Ordinal);
        Assert.Contains("data-points=\"2\"", svg, StringComparison.Ordinal);
        Assert.Equal(2, svg.Split("class=\"flag\"").Length - 1);
        Assert.Contains("aria-label=\"a &quot;quoted&quot; &lt;label&gt;\"", svg, StringComparison.Ordinal);
    }
}
