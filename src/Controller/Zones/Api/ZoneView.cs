namespace SmartLoudspeaker.Controller.Zones.Api;

/// <summary>One zone in <c>GET /api/zones</c>: named by technicians, or only declared by nodes (then unnamed).</summary>
public sealed record ZoneView
{
    /// <summary>The zone id, as nodes carry it in their births and topics.</summary>
    public required string Id { get; init; }

    /// <summary>The display name; null while nobody named the zone (pages then show the id).</summary>
    public string? Name { get; init; }

    /// <summary>The technicians' note about the zone; null when none.</summary>
    public string? Description { get; init; }

    /// <summary>True when the zone is in the registry (has a name).</summary>
    public required bool Named { get; init; }

    /// <summary>How many nodes of the fleet view belong to the zone now (by their latest birth).</summary>
    public required int Nodes { get; init; }

    /// <summary>When it was named, on the Controller's clock; null while unnamed.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When its name or description last changed; null while unnamed.</summary>
    public DateTimeOffset? ChangedAt { get; init; }
}
