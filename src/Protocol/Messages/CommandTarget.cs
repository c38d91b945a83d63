using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>Whom a command is for: exactly one of a node, a zone, or the whole fleet.</summary>
public sealed record CommandTarget
{
    /// <summary>One node.</summary>
    public string? Node { get; init; }

    /// <summary>Every node of one zone.</summary>
    public string? Zone { get; init; }

    /// <summary>Every node.</summary>
    public bool? All { get; init; }

    /// <summary>True when exactly one kind of target is set and its id is valid.</summary>
    [JsonIgnore]
    public bool IsWellFormed =>
        (Node, Zone, All) switch
        {
            ({ } node, null, null) => Identifiers.IsValid(node),
            (null, { } zone, null) => Identifiers.IsValid(zone),
            (null, null, true) => true,
            _ => false,
        };

    /// <summary>True when a node with this id and these zones is addressed.</summary>
    public bool Includes(string nodeId, IReadOnlyCollection<string> zones) =>
        IsWellFormed && (All == true || Node == nodeId || (Zone is not null && zones.Contains(Zone)));
}
