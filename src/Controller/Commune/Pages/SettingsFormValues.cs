using System.Globalization;

namespace SmartLoudspeaker.Controller.Commune.Pages;

/// <summary>
/// The settings form as posted: text as typed (numbers too, so a wrong one is shown back as it was typed), the
/// checkboxes present or not, and the version the form was shown with. Bound by name, which model binding matches
/// without regard to case, so the inputs carry the API's field names (<see cref="SettingsField"/>).
/// </summary>
internal sealed record SettingsFormValues
{
    public long Version { get; init; }

    public string? Name { get; init; }

    public string? Province { get; init; }

    public string? TimeZone { get; init; }

    public bool QuietHoursEnabled { get; init; }

    public string? QuietHoursStart { get; init; }

    public string? QuietHoursEnd { get; init; }

    public bool SchedulesNeedApproval { get; init; }

    public string? LoudnessTargetLufs { get; init; }

    public string? EmergencyLeadTimeMs { get; init; }

    public string? BulletinLeadTimeMs { get; init; }

    /// <summary>The form filled with <paramref name="settings"/>.</summary>
    public static SettingsFormValues Of(CommuneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var window = settings.QuietHours ?? CommuneSettings.DefaultQuietHours;
        return new SettingsFormValues
        {
            Version = settings.Version,
            Name = settings.Name,
            Province = settings.Province,
            TimeZone = settings.TimeZone,
            QuietHoursEnabled = settings.QuietHours is not null,
            QuietHoursStart = window.Start.ToString("HH:mm", CultureInfo.InvariantCulture),
            QuietHoursEnd = window.End.ToString("HH:mm", CultureInfo.InvariantCulture),
            SchedulesNeedApproval = settings.SchedulesNeedApproval,
            LoudnessTargetLufs = settings.LoudnessTargetLufs.ToString(CultureInfo.InvariantCulture),
            EmergencyLeadTimeMs = ((int)settings.EmergencyLeadTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            BulletinLeadTimeMs = ((int)settings.BulletinLeadTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The change the form asks for; each number field that is not a number is added to <paramref name="notNumbers"/>
    /// (and left out of the input, which then reports it missing). A decimal comma is read as a point: a Vietnamese
    /// keyboard types one.
    /// </summary>
    public CommuneSettingsInput ToInput(IDictionary<string, string> notNumbers)
    {
        ArgumentNullException.ThrowIfNull(notNumbers);
        return new CommuneSettingsInput
        {
            Name = Name,
            Province = Province,
            TimeZone = TimeZone,
            QuietHoursEnabled = QuietHoursEnabled,
            QuietHoursStart = QuietHoursStart,
            QuietHoursEnd = QuietHoursEnd,
            SchedulesNeedApproval = SchedulesNeedApproval,
            LoudnessTargetLufs = Parse(LoudnessTargetLufs, SettingsField.LoudnessTargetLufs, notNumbers),
            EmergencyLeadTimeMs = Whole(EmergencyLeadTimeMs, SettingsField.EmergencyLeadTimeMs, notNumbers),
            BulletinLeadTimeMs = Whole(BulletinLeadTimeMs, SettingsField.BulletinLeadTimeMs, notNumbers),
        };
    }

    private static double? Parse(string? value, string field, IDictionary<string, string> notNumbers)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return number;
        }

        notNumbers[field] = value;
        return null;
    }

    private static int? Whole(string? value, string field, IDictionary<string, string> notNumbers)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        notNumbers[field] = value;
        return null;
    }
}
