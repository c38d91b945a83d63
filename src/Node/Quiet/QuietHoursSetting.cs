using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Quiet;

/// <summary>The quiet hours a node holds: the commune's time zone, the window (null: off) and the settings version.</summary>
/// <param name="Version">The commune settings' version; 0 for the built-in default a node holds before any Controller told it.</param>
/// <param name="Zone">The commune's time zone, in which the window's times are wall-clock times.</param>
/// <param name="Window">The nightly window, or null when the commune has quiet hours off.</param>
internal sealed record QuietHoursSetting(long Version, TimeZoneInfo Zone, QuietHours? Window)
{
    /// <summary>IANA id of the zone a node assumes before a Controller names one (the Vietnamese communes' own).</summary>
    public const string DefaultTimeZone = "Asia/Ho_Chi_Minh";

    /// <summary>
    /// What a node enforces before its first "set-quiet-hours": the protocol's default window in Vietnam's time. The node
    /// is the last line of defence, so a new or reset node keeps the night quiet rather than open. Without tzdata on the
    /// machine the zone is UTC+7 by itself (Vietnam has had no daylight saving since 1975).
    /// </summary>
    public static QuietHoursSetting Default { get; } = new(
        0,
        TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out var zone) ? zone
            : TimeZoneInfo.CreateCustomTimeZone(DefaultTimeZone, TimeSpan.FromHours(7), DefaultTimeZone, DefaultTimeZone),
        QuietHours.Default);

    /// <summary>The setting a valid "set-quiet-hours" body carries; null when the body is invalid here (see its Validate).</summary>
    public static QuietHoursSetting? From(SetQuietHoursCommand body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body.Validate() is null && TimeZoneInfo.TryFindSystemTimeZoneById(body.TimeZone, out var zone)
            ? new QuietHoursSetting(body.Version, zone, body.Window)
            : null;
    }

    /// <summary>The body that carries this setting (how it is kept on disk).</summary>
    public SetQuietHoursCommand ToBody() => SetQuietHoursCommand.For(Version, Zone.Id, Window);

    /// <summary>
    /// True when <paramref name="instant"/> falls inside the window on the commune's wall clock. A pure function of the
    /// setting and the instant: the instant is converted with the zone's own rules (so a zone with daylight saving is
    /// judged by the clock on the wall that day), and the window may cross midnight.
    /// </summary>
    public bool IsQuietAt(DateTimeOffset instant) =>
        Window is { } window && window.Contains(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime));
}
