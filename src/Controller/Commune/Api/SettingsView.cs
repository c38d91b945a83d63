using System.Globalization;

namespace SmartLoudspeaker.Controller.Commune.Api;

/// <summary>The commune settings as <c>GET /api/settings</c> returns them (the same field names <c>PUT</c> takes).</summary>
internal sealed record SettingsView
{
    /// <summary>0 for defaults nobody saved; send it back with a change.</summary>
    public required long Version { get; init; }

    public required string Name { get; init; }

    public required string Province { get; init; }

    public required string TimeZone { get; init; }

    public required bool QuietHoursEnabled { get; init; }

    /// <summary>"HH:mm", or null when quiet hours are off.</summary>
    public string? QuietHoursStart { get; init; }

    public string? QuietHoursEnd { get; init; }

    public required bool SchedulesNeedApproval { get; init; }

    public required double LoudnessTargetLufs { get; init; }

    public required int EmergencyLeadTimeMs { get; init; }

    public required int BulletinLeadTimeMs { get; init; }

    public DateTimeOffset? ChangedAt { get; init; }

    public string? ChangedBy { get; init; }

    public static SettingsView Of(CommuneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new SettingsView
        {
            Version = settings.Version,
            Name = settings.Name,
            Province = settings.Province,
            TimeZone = settings.TimeZone,
            QuietHoursEnabled = settings.QuietHours is not null,
            QuietHoursStart = settings.QuietHours?.Start.ToString("HH:mm", CultureInfo.InvariantCulture),
            QuietHoursEnd = settings.QuietHours?.End.ToString("HH:mm", CultureInfo.InvariantCulture),
            SchedulesNeedApproval = settings.SchedulesNeedApproval,
            LoudnessTargetLufs = settings.LoudnessTargetLufs,
            EmergencyLeadTimeMs = (int)settings.EmergencyLeadTime.TotalMilliseconds,
            BulletinLeadTimeMs = (int)settings.BulletinLeadTime.TotalMilliseconds,
            ChangedAt = settings.ChangedAt,
            ChangedBy = settings.ChangedBy,
        };
    }
}
