using System.Globalization;

namespace SmartLoudspeaker.Node.Configuration;

/// <summary>
/// The one line an invalid setting is reported with: the setting's path, the value it had and what is allowed, e.g.
/// <c>Invalid setting Node:Simulation:NodeCount = 1000: must be 1–999.</c> Every validator words its failures so.
/// The Controller and the node each carry this same file: they share only src/Protocol, which depends on the BCL
/// alone, and a shared hosting library is part of the reshaping in issue 9 (with DurableFile).
/// </summary>
internal static class InvalidSetting
{
    /// <summary>The line for <paramref name="path"/> holding <paramref name="value"/>; <paramref name="allowed"/> starts "must …".</summary>
    public static string Describe(string path, object? value, string allowed) =>
        $"Invalid setting {path} = {Show(value)}: {allowed.TrimEnd('.')}.";

    /// <summary>A value as the operator wrote it: numbers and durations as they are, text quoted (spaces show), absence named.</summary>
    public static string Show(object? value) => value switch
    {
        null => "(not set)",
        string text when string.IsNullOrWhiteSpace(text) => $"\"{text}\" (empty)",
        string text => $"\"{text}\"",
        TimeSpan duration => duration.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "(not set)",
    };
}
