namespace SmartLoudspeaker.Protocol.Priority;

/// <summary>
/// The nightly window in which only emergencies sound unless a signed override says otherwise
/// (docs/protocol.md, "Priorities"). Times are the commune's local wall-clock times; the window may cross midnight.
/// </summary>
/// <param name="Start">Local time the quiet window begins (default 21:30).</param>
/// <param name="End">Local time it ends (default 05:00).</param>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>21:30–05:00, the default of the design.</summary>
    public static QuietHours Default { get; } = new(new TimeOnly(21, 30), new TimeOnly(5, 0));

    /// <summary>True when <paramref name="localTime"/> falls inside the window (start inclusive, end exclusive).</summary>
    public bool Contains(TimeOnly localTime) =>
        Start == End ? false
        : Start < End ? localTime >= Start && localTime < End
        : localTime >= Start || localTime < End;

    /// <summary>True when an item of this class may sound at <paramref name="localTime"/>.</summary>
    /// <param name="priorityClass">The item's class.</param>
    /// <param name="localTime">Commune wall-clock time.</param>
    /// <param name="hasSignedOverride">The item carries a signed quiet-hours override.</param>
    public bool Allows(PriorityClass priorityClass, TimeOnly localTime, bool hasSignedOverride) =>
        priorityClass == PriorityClass.Emergency || hasSignedOverride || !Contains(localTime);
}
