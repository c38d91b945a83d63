namespace SmartLoudspeaker.Controller.Commune.Api;

/// <summary>
/// <c>PUT /api/settings</c>: every setting (<see cref="CommuneSettingsInput"/>), and the <see cref="Version"/> they were
/// read at (from <c>GET</c>); a version older than the one in force is refused with 409, so two admins cannot overwrite
/// each other unknowingly. Ranges: loudness −30 to −10 LUFS, emergency lead 100–2000 ms, bulletin lead 500–60000 ms;
/// the time zone an IANA id such as "Asia/Ho_Chi_Minh"; quiet-hours times "HH:mm", ignored when quiet hours are off.
/// </summary>
internal sealed record UpdateSettingsRequest : CommuneSettingsInput
{
    /// <summary>The version the change was made from.</summary>
    public long? Version { get; init; }
}
