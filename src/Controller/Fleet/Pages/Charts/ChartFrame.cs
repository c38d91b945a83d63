namespace SmartLoudspeaker.Controller.Fleet.Pages.Charts;

/// <summary>Maps a time span and a value range onto the drawing area (y grows downwards, as in SVG).</summary>
/// <param name="From">Time at the left edge.</param>
/// <param name="To">Time at the right edge; after <paramref name="From"/>.</param>
/// <param name="Min">Value at the bottom (inside the margin).</param>
/// <param name="Max">Value at the top (inside the margin); above <paramref name="Min"/>.</param>
/// <param name="Width">Drawing width.</param>
/// <param name="Height">Drawing height.</param>
/// <param name="Margin">Room above the highest and below the lowest value.</param>
public sealed record ChartFrame(DateTimeOffset From, DateTimeOffset To, double Min, double Max, double Width, double Height, double Margin)
{
    /// <summary>Horizontal position of an instant, clamped to the drawing.</summary>
    public double X(DateTimeOffset at) =>
        Math.Clamp((at - From) / (To - From), 0, 1) * Width;

    /// <summary>Vertical position of a value, clamped to the drawing.</summary>
    public double Y(double value) =>
        Margin + ((1 - Math.Clamp((value - Min) / (Max - Min), 0, 1)) * (Height - (2 * Margin)));
}
