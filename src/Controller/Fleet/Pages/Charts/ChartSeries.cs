namespace SmartLoudspeaker.Controller.Fleet.Pages.Charts;

/// <summary>One figure over a range, ready to draw, with what its text summary says.</summary>
/// <param name="Points">What to draw (raw reports, or summaries with a low–high band).</param>
/// <param name="MaxGap">Longest silence between two points that is still joined by the line.</param>
/// <param name="Samples">How many reports the figures cover.</param>
/// <param name="Min">Lowest value reported in the range; null without data.</param>
/// <param name="Avg">Mean of every report in the range (not of the hourly means); null without data.</param>
/// <param name="Max">Highest value reported in the range; null without data.</param>
internal sealed record ChartSeries(IReadOnlyList<ChartPoint> Points, TimeSpan MaxGap, int Samples, double? Min, double? Avg, double? Max);
