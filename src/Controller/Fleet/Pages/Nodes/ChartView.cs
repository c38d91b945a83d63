namespace SmartLoudspeaker.Controller.Fleet.Pages.Nodes;

/// <summary>One chart of the node page: its words (in the page's language) and its drawing.</summary>
/// <param name="Title">What is drawn, with its unit.</param>
/// <param name="Summary">The chart in one sentence (lowest, average, highest over the range), for everyone the drawing does not reach.</param>
/// <param name="Top">The figure at the top edge, or null without data.</param>
/// <param name="Bottom">The figure at the bottom edge, or null without data.</param>
/// <param name="Flags">What the red marks mean, or null when no sample carries one.</param>
/// <param name="Svg">The inline SVG.</param>
/// <param name="Ticks">Time labels under the chart.</param>
internal sealed record ChartView(string Title, string Summary, string? Top, string? Bottom, string? Flags, string Svg, IReadOnlyList<ChartTick> Ticks);
