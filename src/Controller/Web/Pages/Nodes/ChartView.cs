namespace SmartLoudspeaker.Controller.Web.Pages.Nodes;

/// <summary>One chart of the node page: its words (in the page's language) and its drawing.</summary>
/// <param name="Title">What is drawn, with its unit.</param>
/// <param name="Summary">The chart in one sentence, for everyone the drawing does not reach.</param>
/// <param name="Top">The figure at the top edge, or null without data.</param>
/// <param name="Bottom">The figure at the bottom edge, or null without data.</param>
/// <param name="HasFlags">True when some samples carry a warning mark (explained under the chart).</param>
/// <param name="Svg">The inline SVG.</param>
internal sealed record ChartView(string Title, string Summary, string? Top, string? Bottom, bool HasFlags, string Svg);
