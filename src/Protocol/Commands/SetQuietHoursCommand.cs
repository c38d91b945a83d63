using System.Globalization;
using System.Text.Json.Serialization;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// "set-quiet-hours": the commune's quiet-hours window, which the node keeps across restarts and enforces itself
/// (normal-priority audio is refused inside it, emergencies never are). Sent to the whole fleet when an admin changes
/// the commune settings and again to any node whose health reports another <see cref="Version"/>.
/// </summary>
[CommandType("set-quiet-hours")]
public sealed record SetQuietHoursCommand : ICommandBody
{
    /// <summary>Longest IANA time zone id accepted (the longest in tzdata is about 30 characters).</summary>
    public const int MaxTimeZoneLength = 64;

    /// <summary>The wire form of <see cref="Start"/> and <see cref="End"/>: local wall-clock hours and minutes.</summary>
    public const string TimeFormat = "HH:mm";

    /// <summary>The commune settings' version this window belongs to (1 or more): a node never goes back to an older one.</summary>
    public required long Version { get; init; }

    /// <summary>IANA id of the commune's time zone, e.g. "Asia/Ho_Chi_Minh": the window is in its wall-clock time.</summary>
    public required string TimeZone { get; init; }

    /// <summary>Local time the window begins, "HH:mm"; absent (with <see cref="End"/>) when quiet hours are off.</summary>
    public string? Start { get; init; }

    /// <summary>Local time the window ends (exclusive), "HH:mm"; before <see cref="Start"/> when it crosses midnight.</summary>
    public string? End { get; init; }

    /// <summary>The window, or null when quiet hours are off or the times are unreadable (see <see cref="Validate"/>).</summary>
    [JsonIgnore]
    public QuietHours? Window =>
        ParseTime(Start) is { } start && ParseTime(End) is { } end ? new QuietHours(start, end) : null;

    /// <summary>The body for <paramref name="window"/> (null: off) in <paramref name="timeZone"/>, at <paramref name="version"/>.</summary>
    public static SetQuietHoursCommand For(long version, string timeZone, QuietHours? window) => new()
    {
        Version = version,
        TimeZone = timeZone,
        Start = window?.Start.ToString(TimeFormat, CultureInfo.InvariantCulture),
        End = window?.End.ToString(TimeFormat, CultureInfo.InvariantCulture),
    };

    /// <summary>Reads "HH:mm" (exactly: 24-hour, two digits each); null for anything else.</summary>
    public static TimeOnly? ParseTime(string? text) =>
        TimeOnly.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    /// <inheritdoc />
    public string? Validate()
    {
        if (Version < 1)
        {
            return $"'version' must be 1 or more, not {Version}.";
        }

        if (string.IsNullOrWhiteSpace(TimeZone) || TimeZone.Length > MaxTimeZoneLength)
        {
            return $"'timeZone' must be an IANA time zone id of 1–{MaxTimeZoneLength} characters.";
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            return $"'timeZone' '{TimeZone}' is not a time zone known here.";
        }

        if ((Start is null) != (End is null))
        {
            return "'start' and 'end' are both given (a window) or both absent (quiet hours off).";
        }

        if (Start is not null && (ParseTime(Start) is null || ParseTime(End) is null))
        {
            return $"'start' and 'end' must be local times as {TimeFormat}, e.g. 21:30.";
        }

        return Start is not null && Start == End ? "'start' and 'end' must differ (leave both out for no quiet hours)." : null;
    }
}
