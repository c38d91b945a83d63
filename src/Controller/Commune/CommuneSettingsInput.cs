namespace SmartLoudspeaker.Controller.Commune;

/// <summary>
/// A settings change as an admin sends it (the API's body, the page's form): every field, each null when absent, so
/// every missing or wrong field is named at once (<see cref="CommuneSettingsRules"/>).
/// </summary>
internal record CommuneSettingsInput
{
    public string? Name { get; init; }

    public string? Province { get; init; }

    public string? TimeZone { get; init; }

    public bool? QuietHoursEnabled { get; init; }

    /// <summary>"HH:mm", local time.</summary>
    public string? QuietHoursStart { get; init; }

    /// <summary>"HH:mm", local time; before the start when the window crosses midnight.</summary>
    public string? QuietHoursEnd { get; init; }

    public bool? SchedulesNeedApproval { get; init; }

    public double? LoudnessTargetLufs { get; init; }

    public int? EmergencyLeadTimeMs { get; init; }

    public int? BulletinLeadTimeMs { get; init; }
}
