using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Rows;

/// <summary>
/// One node as the fleet pages show it, every figure already formatted in the page's culture and time zone. The same
/// record fills the server-rendered row and, as JSON, the live update, so both always read the same.
/// </summary>
internal sealed record NodeRow
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Condition as the lower-case value used by CSS and the state filter.</summary>
    [JsonPropertyName("c")]
    public required string Condition { get; init; }

    /// <summary>Whether the node matches the page's filter (live updates remove rows that stop matching).</summary>
    [JsonPropertyName("show")]
    public bool Show { get; init; } = true;

    /// <summary>The node's place in the page's order (<see cref="FleetQuery.SortKey"/>), so live rows are placed as a reload would.</summary>
    [JsonPropertyName("k")]
    public IReadOnlyList<object> Key { get; init; } = [];

    /// <summary>Formatted fields by name, matching the data-f attributes of the page.</summary>
    [JsonPropertyName("f")]
    public required IReadOnlyDictionary<string, string> Fields { get; init; }

    public string this[string field] => Fields.TryGetValue(field, out var value) ? value : string.Empty;
}
