namespace SmartLoudspeaker.Controller.Zones.Api;

/// <summary>The body of <c>POST /api/zones</c>: a zone id and the name to show for it.</summary>
public sealed record CreateZoneRequest
{
    /// <summary>1–64 characters of a–z, 0–9 and '-', not starting with '-' (new, or one nodes already declare).</summary>
    public string? Id { get; init; }

    /// <summary>1–64 characters of any script once trimmed; unique in the registry, case-insensitively.</summary>
    public string? Name { get; init; }

    /// <summary>Optional, up to 200 characters.</summary>
    public string? Description { get; init; }
}
