namespace SmartLoudspeaker.Controller.Commune;

/// <summary>The settings' field names as the API spells them (camelCase), also the page's input names.</summary>
internal static class SettingsField
{
    public const string Name = "name";
    public const string Province = "province";
    public const string TimeZone = "timeZone";
    public const string QuietHoursEnabled = "quietHoursEnabled";
    public const string QuietHoursStart = "quietHoursStart";
    public const string QuietHoursEnd = "quietHoursEnd";
    public const string SchedulesNeedApproval = "schedulesNeedApproval";
    public const string LoudnessTargetLufs = "loudnessTargetLufs";
    public const string EmergencyLeadTimeMs = "emergencyLeadTimeMs";
    public const string BulletinLeadTimeMs = "bulletinLeadTimeMs";
    public const string Version = "version";
}
