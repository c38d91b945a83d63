namespace SmartLoudspeaker.Controller.Zones.Storage;

/// <summary>A named zone as the registry keeps it: its id, the name technicians gave it, and when.</summary>
/// <param name="Id">The zone id nodes carry in their births and topics (<see cref="Protocol.Identifiers"/>).</param>
/// <param name="Name">The display name, trimmed and in Unicode normal form C (<see cref="ZoneRules.NormalizeName"/>).</param>
/// <param name="Description">An optional note (where the zone is, who looks after it); null when none.</param>
/// <param name="CreatedAt">When the zone was named first, on the Controller's clock.</param>
/// <param name="ChangedAt">When its name or description last changed, on the Controller's clock.</param>
internal sealed record StoredZone(string Id, string Name, string? Description, DateTimeOffset CreatedAt, DateTimeOffset ChangedAt);
