using SmartLoudspeaker.Controller.Zones.Storage;

namespace SmartLoudspeaker.Controller.Zones;

/// <summary>One zone in the registry's list: named (in the registry) or seen only in nodes' births.</summary>
/// <param name="Id">The zone id.</param>
/// <param name="Zone">The registry's entry; null for a zone nodes declare that nobody named yet.</param>
/// <param name="Nodes">How many nodes of the fleet view belong to it now.</param>
internal sealed record ZoneEntry(string Id, StoredZone? Zone, int Nodes)
{
    public bool Named => Zone is not null;
}
