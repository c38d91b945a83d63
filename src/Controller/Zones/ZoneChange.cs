using SmartLoudspeaker.Controller.Zones.Storage;

namespace SmartLoudspeaker.Controller.Zones;

/// <summary>What a change to the registry came to.</summary>
/// <param name="Problem">Why it was refused, or <see cref="ZoneProblem.None"/>.</param>
/// <param name="Zone">The zone as saved (create, rename) or as it was (delete); null when refused before it was found.</param>
/// <param name="Nodes">For <see cref="ZoneProblem.InUse"/>: how many nodes are in the zone.</param>
/// <param name="NameHolder">For <see cref="ZoneProblem.DuplicateName"/>: the zone that has the name.</param>
/// <param name="StoreError">For <see cref="ZoneProblem.NotStored"/>: what the store failed with.</param>
internal sealed record ZoneChange(ZoneProblem Problem, StoredZone? Zone = null, int Nodes = 0, StoredZone? NameHolder = null, string? StoreError = null)
{
    public bool Succeeded => Problem == ZoneProblem.None;
}
