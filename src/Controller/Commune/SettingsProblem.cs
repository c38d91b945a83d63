namespace SmartLoudspeaker.Controller.Commune;

/// <summary>What is wrong with one field of a settings change; the page words it from <c>Settings.Problem.{Code}</c>.</summary>
internal enum SettingsProblem
{
    /// <summary>Absent or empty.</summary>
    Required,

    /// <summary>Longer than its maximum.</summary>
    TooLong,

    /// <summary>Contains a line break, tab or other control character.</summary>
    ControlCharacters,

    /// <summary>Not an IANA time zone this machine knows.</summary>
    UnknownTimeZone,

    /// <summary>Not a local time as HH:mm.</summary>
    BadTime,

    /// <summary>The window's start and end are the same time.</summary>
    SameTimes,

    /// <summary>Not a number (the page's text fields).</summary>
    NotANumber,

    /// <summary>A number outside its range.</summary>
    OutOfRange,
}
