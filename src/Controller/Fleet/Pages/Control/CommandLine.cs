using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Control;

/// <summary>
/// One command on a node page, every word already in the page's language. The same record fills the server-rendered
/// list and, as JSON, the live update, so an acknowledgement arriving later reads exactly as a reload would show it.
/// </summary>
internal sealed record CommandLine
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>"pending", "done", "refused", "failed" or "unanswered": the CSS value that colours the line.</summary>
    [JsonPropertyName("s")]
    public required string Status { get; init; }

    /// <summary>Formatted fields by name, matching the data-f attributes of the line: type, at, status, reason.</summary>
    [JsonPropertyName("f")]
    public required IReadOnlyDictionary<string, string> Fields { get; init; }

    /// <summary>What "identify" returned, as label and value pairs; empty for other commands or before the answer.</summary>
    [JsonPropertyName("identity")]
    public required IReadOnlyList<IReadOnlyList<string>> Identity { get; init; }

    /// <summary>An empty line for the live-update script to clone when a command appears that the page did not render.</summary>
    public static CommandLine Empty { get; } = new()
    {
        Id = string.Empty,
        Status = string.Empty,
        Fields = new Dictionary<string, string>(StringComparer.Ordinal),
        Identity = [],
    };

    public string this[string field] => Fields.TryGetValue(field, out var value) ? value : string.Empty;
}
