namespace SmartLoudspeaker.Controller.Web.Charts;

/// <summary>One sample of a health chart.</summary>
/// <param name="At">When the controller received it.</param>
/// <param name="Value">The figure, or null when the node did not report it (drawn as a gap).</param>
/// <param name="Flagged">Marks a sample worth a warning mark (for instance, a clock not synchronised).</param>
public readonly record struct ChartPoint(DateTimeOffset At, double? Value, bool Flagged = false);
