using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Nodes;

/// <summary>The audio section's live update ("audio" events on a node page's stream): the output's state and the play reports.</summary>
/// <param name="State">The output's state in words, or null before a health report with audio.</param>
/// <param name="StateCode">idle, playing or fault, or null.</param>
/// <param name="Reports">The newest play reports, newest first.</param>
internal sealed record AudioUpdate(
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("stateCode")] string? StateCode,
    [property: JsonPropertyName("reports")] IReadOnlyList<PlayReportLine> Reports);
