using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Control;

/// <summary>One "security.refused" event of a node, worded for the page: when, the translated reason, the node's own text.</summary>
internal sealed record SecurityLine
{
    [JsonPropertyName("at")]
    public required string At { get; init; }

    /// <summary>Machine-readable time for the &lt;time&gt; element.</summary>
    [JsonPropertyName("iso")]
    public required string Iso { get; init; }

    /// <summary>The stable reason code, e.g. "replayed" (tests and CSS use it).</summary>
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>The node's description (command id, type, topic), for a technician who needs the detail.</summary>
    [JsonPropertyName("text")]
    public required string Text { get; init; }
}
