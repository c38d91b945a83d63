namespace SmartLoudspeaker.Controller.Commune;

/// <summary>One field's problem, with the bounds it broke (for the message), as <see cref="CommuneSettingsRules"/> found it.</summary>
/// <param name="Field">The field (<see cref="SettingsField"/>).</param>
/// <param name="Problem">What is wrong.</param>
/// <param name="Min">The lower bound, for a range or a length.</param>
/// <param name="Max">The upper bound, for a range or a length.</param>
internal sealed record SettingsFieldError(string Field, SettingsProblem Problem, double? Min = null, double? Max = null)
{
    /// <summary>The problem in English, for the API's problem details (the page uses its resource strings).</summary>
    public string English => Problem switch
    {
        SettingsProblem.Required => "Required.",
        SettingsProblem.TooLong => $"At most {Max} characters.",
        SettingsProblem.ControlCharacters => "No line breaks, tabs or other control characters.",
        SettingsProblem.UnknownTimeZone => "Not a time zone known to this machine; an IANA id such as Asia/Ho_Chi_Minh.",
        SettingsProblem.BadTime => "A local time as HH:mm (24-hour), e.g. 21:30.",
        SettingsProblem.SameTimes => "Start and end must differ; turn quiet hours off instead.",
        SettingsProblem.NotANumber => "A number.",
        SettingsProblem.OutOfRange => $"From {Min} to {Max}.",
        _ => Problem.ToString(),
    };
}
