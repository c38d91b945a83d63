namespace SmartLoudspeaker.Controller.Zones.Storage;

/// <summary>
/// Durable side of the zone registry (<see cref="ZoneRepository"/>). A write's task completes after the store's
/// durability point: only then may the technician be told the change is saved.
/// </summary>
internal interface IZoneStore
{
    /// <summary>Every zone that has a name (deleted ones are not returned).</summary>
    IReadOnlyList<StoredZone> LoadZones();

    /// <summary>Inserts or replaces a zone.</summary>
    Task SaveAsync(StoredZone zone);

    /// <summary>Forgets a zone's name (the zone itself lives on in the births of any node that declares it).</summary>
    Task DeleteAsync(string zoneId, DateTimeOffset at);
}
