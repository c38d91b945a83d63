namespace SmartLoudspeaker.Controller.Commune.Api;

/// <summary>
/// <c>PUT /api/settings</c>: every setting, and the <see cref="Version"/> they were read at (from <c>GET</c>); a
/// version older than the one in force is refused with 409, so two admins cannot overwrite each other unknowingly.
/// </summary>
internal sealed record UpdateSettingsRequest
{
    /// <summary>The version the change was made from.</summary>
    public long? Version { get; init; }

    public string? Name { get; init; }

    public string? Province { get; init; }

    /// <summary>IANA id, e.g. "Asia/Ho_Chi_Minh".</summary>
    public string? TimeZone { get; init; }

    public bool? QuietHoursEnabled { get; init; }

    /// <summary>"HH:mm", local time; ignored when quiet hours are off.</summary>
    public string? QuietHoursStart { get; init; }

    /// <summary>"HH:mm", local time; before the start when the window crosses midnight.</summary>
    public string? QuietHoursEnd { get; init; }

    public bool? SchedulesNeedApproval { get; init; }

    /// <summary>−30 to −10 LUFS.</summary>
    public double? LoudnessTargetLufs { get; init; }

    /// <summary>100–2000 ms.</summary>
    public int? EmergencyLeadTimeMs { get; init; }

    /// <summary>500–60000 ms.</summary>
    public int? BulletinLeadTimeMs { get; init; }

    public CommuneSettingsInput ToInput() => new()
    {
        Name = Name,
        Province = Province,
        TimeZone = TimeZone,
        QuietHoursEnabled = QuietHoursEnabled,
        QuietHoursStart = QuietHoursStart,
        QuietHoursEnd = QuietHoursEnd,
        SchedulesNeedApproval = SchedulesNeedApproval,
        LoudnessTargetLufs = LoudnessTargetLufs,
        EmergencyLeadTimeMs = EmergencyLeadTimeMs,
        BulletinLeadTimeMs = BulletinLeadTimeMs,
    };
}
