namespace SmartLoudspeaker.Controller.Zones;

/// <summary>Zone names for the pages that show zones (the fleet list, its filter, the node page).</summary>
internal interface IZoneNames
{
    /// <summary>The display name technicians gave <paramref name="zoneId"/>, or null while it has none.</summary>
    string? NameOf(string zoneId);
}
