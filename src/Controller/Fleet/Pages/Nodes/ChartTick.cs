namespace SmartLoudspeaker.Controller.Fleet.Pages.Nodes;

/// <summary>One time label under a chart, in HTML so that it stays readable on a phone (SVG text would shrink).</summary>
/// <param name="Left">Its position, "12.5%" of the chart's width (invariant: time-axis.js sets it as the label's CSS left).</param>
/// <param name="Label">The commune's wall-clock time or date, in the page's culture.</param>
/// <param name="Iso">The instant, for the datetime attribute.</param>
internal sealed record ChartTick(string Left, string Label, string Iso);
