namespace SmartLoudspeaker.Controller.Zones.Api;

/// <summary>The body of <c>PUT /api/zones/{id}</c>: the zone's new name and description (both replaced).</summary>
public sealed record RenameZoneRequest
{
    /// <summary>1–64 characters of any script once trimmed; unique in the registry, case-insensitively.</summary>
    public string? Name { get; init; }

    /// <summary>Optional, up to 200 characters; absent or empty removes it.</summary>
    public string? Description { get; init; }
}
