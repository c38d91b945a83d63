using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Controller.Commune;

/// <summary>
/// The commune's settings, one document for the whole Controller (docs/architecture.md, "Commune settings"). Later
/// features read their defaults here: the scheduler whether schedules need approval, the media pipeline the loudness
/// target, live and emergency fan-out the lead times.
/// </summary>
/// <param name="Name">The commune's name (xã, phường), as it appears on reports; empty until an admin sets it.</param>
/// <param name="Province">Its province (tỉnh, thành phố); empty until an admin sets it.</param>
/// <param name="TimeZone">IANA id of the commune's time zone: every page shows times in it and nodes judge quiet hours in it.</param>
/// <param name="QuietHours">The nightly window in which only emergencies sound, or null when the commune has none.</param>
/// <param name="SchedulesNeedApproval">Whether a broadcaster's schedule needs an approver before it airs.</param>
/// <param name="LoudnessTargetLufs">The integrated loudness (EBU R128) every bulletin is normalised to.</param>
/// <param name="EmergencyLeadTime">How far ahead of now an emergency is timed to start on every node (the fan-out's delay).</param>
/// <param name="BulletinLeadTime">How far ahead a bulletin started now is timed, so every village begins it together.</param>
/// <param name="Version">0 for the defaults nobody saved yet; every saved change adds one.</param>
/// <param name="ChangedAt">When it was last saved; null for the defaults.</param>
/// <param name="ChangedBy">Who saved it last (the audit log's actor); null for the defaults.</param>
internal sealed record CommuneSettings(
    string Name,
    string Province,
    string TimeZone,
    QuietHours? QuietHours,
    bool SchedulesNeedApproval,
    double LoudnessTargetLufs,
    TimeSpan EmergencyLeadTime,
    TimeSpan BulletinLeadTime,
    long Version,
    DateTimeOffset? ChangedAt,
    string? ChangedBy)
{
    /// <summary>
    /// The default quiet hours, 21:30–05:00: the design's table and the window every node enforces before it is told
    /// another (<see cref="QuietHours.Default"/>). Village loudspeakers wake people: the morning programme starts at
    /// 05:00–06:00 in most communes, and evening bulletins end before 21:30.
    /// </summary>
    public static QuietHours DefaultQuietHours => Protocol.Priority.QuietHours.Default;

    /// <summary>−16 LUFS: loud enough for horn loudspeakers outdoors, the usual target for speech on small speakers.</summary>
    public const double DefaultLoudnessTargetLufs = -16;

    /// <summary>300 ms: enough for a command to reach every node on a normal link and small enough not to be heard as lag.</summary>
    public static readonly TimeSpan DefaultEmergencyLeadTime = TimeSpan.FromMilliseconds(300);

    /// <summary>2 s: a non-urgent bulletin can wait for the slowest 4G link so every village starts in step.</summary>
    public static readonly TimeSpan DefaultBulletinLeadTime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What a Controller that never saved settings uses: the configured time zone (Web:TimeZone, configuration's only
    /// role here) and the defaults above. Schedules need approval by default, as a commune's broadcasts are approved by
    /// its leadership (Thông tư 39 makes the commune responsible for what is broadcast).
    /// </summary>
    public static CommuneSettings Defaults(string timeZone) => new(
        string.Empty, string.Empty, timeZone, DefaultQuietHours, true, DefaultLoudnessTargetLufs,
        DefaultEmergencyLeadTime, DefaultBulletinLeadTime, 0, null, null);
}
