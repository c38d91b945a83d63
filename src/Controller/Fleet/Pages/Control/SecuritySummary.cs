using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Control;

/// <summary>What a node refused, for the node page's security panel and its live update.</summary>
internal sealed record SecuritySummary
{
    /// <summary>Refusal events among the node's recent events.</summary>
    [JsonPropertyName("count")]
    public required int Count { get; init; }

    /// <summary>The headline, e.g. "3 commands refused", in the page's language.</summary>
    [JsonPropertyName("headline")]
    public required string Headline { get; init; }

    /// <summary>Refusals the node counted since it started (its health report), which includes those not reported as events (rate limit).</summary>
    [JsonPropertyName("since")]
    public required string SinceStart { get; init; }

    /// <summary>Newest first.</summary>
    [JsonPropertyName("lines")]
    public required IReadOnlyList<SecurityLine> Lines { get; init; }
}
