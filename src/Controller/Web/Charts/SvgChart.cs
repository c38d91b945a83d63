using System.Globalization;
using System.Net;
using System.Text;

namespace SmartLoudspeaker.Controller.Web.Charts;

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

    /// <summary>
    /// The SVG path ("M x y L x y …") through the points with a value, in time order. A missing value, or a silence
    /// longer than <paramref name="maxGap"/> between two samples, lifts the pen: a gap is shown as a gap, never
    /// bridged by a line that invents the figures in between. Empty when no point has a value.
    /// </summary>
    public static string Path(IReadOnlyList<ChartPoint> points, ChartFrame frame, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(frame);
        var path = new StringBuilder();
        DateTimeOffset? previous = null;
        foreach (var point in points.OrderBy(point => point.At))
        {
            if (point.Value is not { } value || !double.IsFinite(value))
            {
                previous = null;
                continue;
            }

            var penDown = previous is { } last && point.At - last <= maxGap;
            if (path.Length > 0)
            {
                path.Append(' ');
            }

            path.Append(penDown ? 'L' : 'M')
                .Append(Number(frame.X(point.At)))
                .Append(' ')
                .Append(Number(frame.Y(value)));
            previous = point.At;
        }

        return path.ToString();
    }

    /// <summary>
    /// The whole chart: an &lt;svg role="img"&gt; named by <paramref name="label"/> (which should state what the chart
    /// shows in words), with the line, a mark for every flagged sample, and the number of drawn points in
    /// data-points. With no value to draw, the SVG holds only its frame and data-points="0".
    /// </summary>
    public static string Render(IReadOnlyList<ChartPoint> points, ChartFrame frame, TimeSpan maxGap, string label)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(frame);
        var drawn = points.Count(point => point.Value is { } value && double.IsFinite(value));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {Number(Width)} {Number(Height)}\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(label)}\" data-points=\"{drawn}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"frame\" x=\"0\" y=\"0\" width=\"{Number(Width)}\" height=\"{Number(Height)}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<path class=\"grid\" d=\"M0 {Number(Height / 2)} H{Number(Width)}\"/>");
        var path = Path(points, frame, maxGap);
        if (path.Length > 0)
        {
            svg.Append("<path class=\"line\" d=\"").Append(path).Append("\"/>");
        }

        foreach (var flagged in points.Where(point => point.Flagged))
        {
            var x = frame.X(flagged.At);
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"flag\" d=\"M{Number(x)} {Number(Height)} V{Number(Height - 14)}\"/>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>The frame that shows every value of <paramref name="points"/> between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static ChartFrame FrameFor(IReadOnlyList<ChartPoint> points, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(points);
        var values = points.Select(point => point.Value).OfType<double>().Where(double.IsFinite).ToArray();
        var min = values.Length == 0 ? 0 : values.Min();
        var max = values.Length == 0 ? 1 : values.Max();
        if (max - min < 1e-9)
        {
            // A flat line is drawn across the middle rather than on an edge.
            min -= 1;
            max += 1;
        }

        return new ChartFrame(from, to <= from ? from.AddSeconds(1) : to, min, max, Width, Height, Margin);
    }

    /// <summary>Two decimals at most, invariant: short paths, and the same bytes whatever the page's language.</summary>
    private static string Number(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
