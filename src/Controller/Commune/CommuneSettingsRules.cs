using System.Text;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Controller.Commune;

/// <summary>
/// What each setting may be. Every field is checked and every problem returned, so a form or a script learns all its
/// mistakes at once. The bounds are the documented ranges later features rely on (docs/architecture.md, "Commune settings").
/// </summary>
internal static class CommuneSettingsRules
{
    /// <summary>Longest commune or province name, in UTF-16 code units (what a browser's maxlength counts).</summary>
    public const int MaxNameLength = 100;

    /// <summary>Quietest loudness target: below it a horn loudspeaker outdoors is not understood.</summary>
    public const double MinLoudnessLufs = -30;

    /// <summary>Loudest loudness target: above it speech is squashed by the limiter and distorts on small horns.</summary>
    public const double MaxLoudnessLufs = -10;

    /// <summary>Shortest emergency lead: less would not reach a node over a normal link before it is due.</summary>
    public const int MinEmergencyLeadMs = 100;

    /// <summary>Longest emergency lead: an alarm later than 2 s after the button is pressed reads as a fault.</summary>
    public const int MaxEmergencyLeadMs = 2000;

    /// <summary>Shortest bulletin lead.</summary>
    public const int MinBulletinLeadMs = 500;

    /// <summary>Longest bulletin lead: beyond a minute a broadcaster would think the start failed.</summary>
    public const int MaxBulletinLeadMs = 60_000;

    /// <summary>
    /// The settings <paramref name="input"/> asks for (version and change marks of <paramref name="current"/>), or the
    /// problems with it, one per field that has any.
    /// </summary>
    public static (CommuneSettings? Settings, IReadOnlyList<SettingsFieldError> Errors) Check(CommuneSettingsInput input, CommuneSettings current)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(current);
        var errors = new List<SettingsFieldError>();
        var name = Text(input.Name, SettingsField.Name, errors);
        var province = Text(input.Province, SettingsField.Province, errors);

        var zone = input.TimeZone?.Trim();
        if (string.IsNullOrEmpty(zone))
        {
            errors.Add(new(SettingsField.TimeZone, SettingsProblem.Required));
        }
        else if (zone.Length > SetQuietHoursCommand.MaxTimeZoneLength || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors.Add(new(SettingsField.TimeZone, SettingsProblem.UnknownTimeZone));
        }

        QuietHours? window = null;
        if (input.QuietHoursEnabled is not { } enabled)
        {
            errors.Add(new(SettingsField.QuietHoursEnabled, SettingsProblem.Required));
        }
        else if (enabled)
        {
            var start = Time(input.QuietHoursStart, SettingsField.QuietHoursStart, errors);
            var end = Time(input.QuietHoursEnd, SettingsField.QuietHoursEnd, errors);
            if (start is { } from && end is { } to)
            {
                if (from == to)
                {
                    errors.Add(new(SettingsField.QuietHoursEnd, SettingsProblem.SameTimes));
                }
                else
                {
                    window = new QuietHours(from, to);
                }
            }
        }

        if (input.SchedulesNeedApproval is null)
        {
            errors.Add(new(SettingsField.SchedulesNeedApproval, SettingsProblem.Required));
        }

        var lufs = Range(input.LoudnessTargetLufs, SettingsField.LoudnessTargetLufs, MinLoudnessLufs, MaxLoudnessLufs, errors);
        var emergency = Range(input.EmergencyLeadTimeMs, SettingsField.EmergencyLeadTimeMs, MinEmergencyLeadMs, MaxEmergencyLeadMs, errors);
        var bulletin = Range(input.BulletinLeadTimeMs, SettingsField.BulletinLeadTimeMs, MinBulletinLeadMs, MaxBulletinLeadMs, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (current with
        {
            Name = name!,
            Province = province!,
            TimeZone = zone!,
            QuietHours = window,
            SchedulesNeedApproval = input.SchedulesNeedApproval!.Value,

            // One decimal: what a loudness meter shows, and what the page's field steps by.
            LoudnessTargetLufs = Math.Round(lufs!.Value, 1),
            EmergencyLeadTime = TimeSpan.FromMilliseconds(emergency!.Value),
            BulletinLeadTime = TimeSpan.FromMilliseconds(bulletin!.Value),
        }, errors);
    }

    /// <summary>Trimmed, in Unicode normal form C (a phone may type "ô" as two code points), 1–100 code units, no control characters.</summary>
    private static string? Text(string? value, string field, List<SettingsFieldError> errors)
    {
        var normalized = value?.Trim().Normalize(NormalizationForm.FormC);
        if (string.IsNullOrEmpty(normalized))
        {
            errors.Add(new(field, SettingsProblem.Required));
        }
        else if (normalized.Length > MaxNameLength)
        {
            errors.Add(new(field, SettingsProblem.TooLong, Max: MaxNameLength));
        }
        else if (normalized.Any(char.IsControl))
        {
            errors.Add(new(field, SettingsProblem.ControlCharacters));
        }
        else
        {
            return normalized;
        }

        return null;
    }

    private static TimeOnly? Time(string? value, string field, List<SettingsFieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(field, SettingsProblem.Required));
            return null;
        }

        var time = SetQuietHoursCommand.ParseTime(value.Trim());
        if (time is null)
        {
            errors.Add(new(field, SettingsProblem.BadTime));
        }

        return time;
    }

    private static double? Range(double? value, string field, double min, double max, List<SettingsFieldError> errors)
    {
        if (value is not { } number)
        {
            errors.Add(new(field, SettingsProblem.Required));
            return null;
        }

        if (double.IsNaN(number) || number < min || number > max)
        {
            errors.Add(new(field, SettingsProblem.OutOfRange, min, max));
            return null;
        }

        return number;
    }
}
