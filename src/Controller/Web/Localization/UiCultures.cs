using System.Globalization;

namespace SmartLoudspeaker.Controller.Web.Localization;

/// <summary>The languages of the web UI: Vietnamese first, English by the user's choice.</summary>
internal static class UiCultures
{
    public static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>British English: day-first dates and a 24-hour clock, as Vietnamese staff are used to.</summary>
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static IReadOnlyList<CultureInfo> All { get; } = [Vietnamese, English];

    /// <summary>The supported culture named by <paramref name="name"/>, or null for anything else.</summary>
    public static CultureInfo? Find(string? name) =>
        All.FirstOrDefault(culture => string.Equals(culture.Name, name, StringComparison.OrdinalIgnoreCase));

    public static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName == "en";
}
