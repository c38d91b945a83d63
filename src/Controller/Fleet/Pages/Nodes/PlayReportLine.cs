using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Nodes;

/// <summary>One "play.report" event as the audio section shows it, and as its live update sends it.</summary>
/// <param name="PlayId">The play it is about, or null when the node's text did not name one.</param>
/// <param name="Code">The node's code: started, finished, preempted, resumed, superseded or failed.</param>
/// <param name="Sentence">What happened, in the page's language.</param>
/// <param name="At">When, on the commune's clock, as people read it.</param>
/// <param name="Iso">When, for the time element.</param>
/// <param name="Sounding">True when this is the play's newest report and it says the play is sounding: it can be stopped.</param>
internal sealed record PlayReportLine(
    [property: JsonPropertyName("play")] string? PlayId,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("sentence")] string Sentence,
    [property: JsonPropertyName("at")] string At,
    [property: JsonPropertyName("iso")] string Iso,
    [property: JsonPropertyName("sounding")] bool Sounding);
