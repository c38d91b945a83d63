using System.Globalization;
using System.Net;
using System.Text;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Charts;

/// <summary>
/// Health charts drawn on the server as inline SVG: no chart script to download on 4G, and the chart is there before
/// any script runs. Pure functions of their inputs, so they are tested without a browser. Labels (figures, times)
/// stay in the HTML around the chart: SVG text would shrink to nothing on a phone.
/// </summary>
public static class SvgChart
{
    /// <summary>Width of the drawing in its own units; the SVG scales to its container.</summary>
    public const double Width = 600;

    /// <summary>Height of the drawing in its own units.</summary>
    public const double Height = 120;

    /// <summary>Room kept above and below the line so that its extremes are not drawn on the border.</summary>
    private const double Margin = 6;

    /// <summary>Share of the value span added above and below it, so that the axis labels bracket the line.</summary>
    private const double Padding = 0.05;

    /// <summary>
    /// The SVG path ("M x y L x y …") through the points with a value, in time order. A missing value, or a silence
    /// longer than <paramref name="maxGap"/> between two samples, lifts the pen: a gap is shown as a gap, never
    /// bridged by a line that invents the figures in between. Empty when no point has a value.
    /// </summary>
    public static string Path(IReadOnlyList<ChartPoint> points, ChartFrame frame, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var path = new StringBuilder();
        foreach (var run in Runs(points, maxGap))
        {
            for (var i = 0; i < run.Count; i++)
            {
                Separate(path).Append(i == 0 ? 'M' : 'L').Append(Point(frame, run[i].At, run[i].Value!.Value));
            }
        }

        return path.ToString();
    }

    /// <summary>
    /// The light band between each summary's lowest and highest value: one closed shape per unbroken run (gaps split
    /// it exactly as they split the line), along the highs left to right and back along the lows. A run of one
    /// summary is a vertical stroke. Empty when no point carries a low and a high.
    /// </summary>
    public static string Band(IReadOnlyList<ChartPoint> points, ChartFrame frame, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var path = new StringBuilder();
        foreach (var run in Runs(points, maxGap))
        {
            // A point without its extremes (a raw report between summaries) has a band of its own value.
            var edges = run.Select(point => (point.At, High: point.High ?? point.Value!.Value, Low: point.Low ?? point.Value!.Value)).ToArray();
            if (!run.Any(point => point.Low.HasValue && point.High.HasValue))
            {
                continue;
            }

            for (var i = 0; i < edges.Length; i++)
            {
                Separate(path).Append(i == 0 ? 'M' : 'L').Append(Point(frame, edges[i].At, edges[i].High));
            }

            for (var i = edges.Length - 1; i >= 0; i--)
            {
                path.Append(" L").Append(Point(frame, edges[i].At, edges[i].Low));
            }

            path.Append(" Z");
        }

        return path.ToString();
    }

    /// <summary>
    /// Round marks ("M x y h0", drawn with round caps) at points that have no neighbour to join: a lone sample between
    /// gaps would otherwise be a pen move that draws nothing, and the chart would look empty where there is data.
    /// </summary>
    public static string Dots(IReadOnlyList<ChartPoint> points, ChartFrame frame, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var path = new StringBuilder();
        foreach (var run in Runs(points, maxGap).Where(run => run.Count == 1))
        {
            Separate(path).Append('M').Append(Point(frame, run[0].At, run[0].Value!.Value)).Append(" h0");
        }

        return path.ToString();
    }

    /// <summary>
    /// The whole chart: an &lt;svg role="img"&gt; with a &lt;title&gt; (<paramref name="title"/>: what is drawn) and a
    /// &lt;desc&gt; (<paramref name="description"/>: the figures in words), named and described by them through ids made
    /// from <paramref name="id"/>; then the band, the line, marks for lone points and flagged samples, vertical grid
    /// lines at <paramref name="ticks"/>, and the number of drawn points in data-points. With no value to draw, the SVG
    /// holds only its frame and data-points="0".
    /// </summary>
    public static string Render(
        IReadOnlyList<ChartPoint> points,
        ChartFrame frame,
        TimeSpan maxGap,
        string title,
        string description,
        string id,
        IReadOnlyList<DateTimeOffset>? ticks = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(frame);
        var drawn = points.Count(HasValue);
        var titleId = WebUtility.HtmlEncode(id + "-t");
        var descriptionId = WebUtility.HtmlEncode(id + "-d");
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {Number(Width)} {Number(Height)}\" preserveAspectRatio=\"none\" role=\"img\" aria-labelledby=\"{titleId}\" aria-describedby=\"{descriptionId}\" data-points=\"{drawn}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{titleId}\">{WebUtility.HtmlEncode(title)}</title><desc id=\"{descriptionId}\">{WebUtility.HtmlEncode(description)}</desc>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"frame\" x=\"0\" y=\"0\" width=\"{Number(Width)}\" height=\"{Number(Height)}\"/>");
        var grid = new StringBuilder().Append(CultureInfo.InvariantCulture, $"M0 {Number(Height / 2)} H{Number(Width)}");
        foreach (var tick in ticks ?? [])
        {
            grid.Append(CultureInfo.InvariantCulture, $" M{Number(frame.X(tick))} 0 V{Number(Height)}");
        }

        svg.Append("<path class=\"grid\" d=\"").Append(grid).Append("\"/>");
        AppendPath(svg, "band", Band(points, frame, maxGap));
        AppendPath(svg, "line", Path(points, frame, maxGap));
        AppendPath(svg, "dot", Dots(points, frame, maxGap));
        foreach (var flagged in points.Where(point => point.Flagged))
        {
            var x = frame.X(flagged.At);
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"flag\" d=\"M{Number(x)} {Number(Height)} V{Number(Height - 14)}\"/>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// The frame that shows every value of <paramref name="points"/> (their bands included) between
    /// <paramref name="from"/> and <paramref name="to"/>, with the value span padded so that the extremes are not on
    /// the axis labels' lines. A flat series gets a span of its own (±1, or ±10 % of a large value), so that its top
    /// and bottom labels differ and the line runs across the middle. <paramref name="floor"/> keeps the padding from
    /// going below a figure's natural minimum (a load or a share is never negative).
    /// </summary>
    public static ChartFrame FrameFor(IReadOnlyList<ChartPoint> points, DateTimeOffset from, DateTimeOffset to, double? floor = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var values = points
            .SelectMany(point => new[] { point.Value, point.Low, point.High })
            .OfType<double>()
            .Where(double.IsFinite)
            .ToArray();
        double min, max;
        if (values.Length == 0)
        {
            (min, max) = (0, 1);
        }
        else
        {
            (min, max) = (values.Min(), values.Max());
            var pad = max - min < 1e-9 ? Math.Max(1, Math.Abs(max) * 0.1) : (max - min) * Padding;
            (min, max) = (min - pad, max + pad);
        }

        if (floor is { } lowest && min < lowest)
        {
            min = Math.Min(lowest, max - 1e-6);
        }

        return new ChartFrame(from, to <= from ? from.AddSeconds(1) : to, min, max, Width, Height, Margin);
    }

    /// <summary>A frame with a set value span, for figures with natural bounds (a share from 0 to 100 %).</summary>
    public static ChartFrame FixedFrame(DateTimeOffset from, DateTimeOffset to, double min, double max) =>
        new(from, to <= from ? from.AddSeconds(1) : to, min, max > min ? max : min + 1, Width, Height, Margin);

    /// <summary>The points with a value, in time order, cut into runs wherever the pen must lift.</summary>
    private static List<List<ChartPoint>> Runs(IReadOnlyList<ChartPoint> points, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(points);
        var runs = new List<List<ChartPoint>>();
        List<ChartPoint>? current = null;
        foreach (var point in points.OrderBy(point => point.At))
        {
            if (!HasValue(point))
            {
                current = null;
                continue;
            }

            if (current is null || point.At - current[^1].At > maxGap)
            {
                current = [];
                runs.Add(current);
            }

            current.Add(point);
        }

        return runs;
    }

    private static bool HasValue(ChartPoint point) => point.Value is { } value && double.IsFinite(value);

    private static StringBuilder Separate(StringBuilder path) => path.Length > 0 ? path.Append(' ') : path;

    private static string Point(ChartFrame frame, DateTimeOffset at, double value) =>
        Number(frame.X(at)) + " " + Number(frame.Y(value));

    private static void AppendPath(StringBuilder svg, string cssClass, string path)
    {
        if (path.Length > 0)
        {
            svg.Append("<path class=\"").Append(cssClass).Append("\" d=\"").Append(path).Append("\"/>");
        }
    }

    /// <summary>One decimal at most, invariant: short paths, and the same bytes whatever the page's language.</summary>
    private static string Number(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
