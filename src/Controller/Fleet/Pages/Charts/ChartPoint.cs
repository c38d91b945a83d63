namespace SmartLoudspeaker.Controller.Fleet.Pages.Charts;

/// <summary>One sample of a health chart: a raw report, or a figure summarised over a stretch of time.</summary>
/// <param name="At">When the controller received it (for a summary: the middle of the stretch it covers).</param>
/// <param name="Value">The figure (for a summary: its average), or null when the node did not report it (drawn as a gap).</param>
/// <param name="Flagged">Marks a sample worth a warning mark (for instance, a clock not synchronised).</param>
/// <param name="Low">For a summary, the lowest value in its stretch: the bottom of the light band around the line.</param>
/// <param name="High">For a summary, the highest value in its stretch: the top of the band.</param>
public readonly record struct ChartPoint(DateTimeOffset At, double? Value, bool Flagged = false, double? Low = null, double? High = null);
