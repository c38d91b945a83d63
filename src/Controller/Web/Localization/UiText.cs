using System.Collections;
using System.Globalization;
using System.Resources;

namespace SmartLoudspeaker.Controller.Web.Localization;

/// <summary>
/// Every string of the web UI, looked up in Web/Resources/Ui.resx (Vietnamese) or Ui.en.resx (English) for the
/// current UI culture. Deliberately no fallback from one language to the other: a string missing from a language
/// shows as <see cref="MissingMarker"/>[key], which the tests look for, instead of silently appearing in Vietnamese
/// on an English page.
/// </summary>
internal sealed class UiText
{
    /// <summary>Opens the text shown in place of a missing string.</summary>
    public const string MissingMarker = "⟦missing:";

    private static readonly ResourceManager Resources =
        new("SmartLoudspeaker.Controller.Web.Resources.Ui", typeof(UiText).Assembly);

    private static readonly Lazy<Dictionary<string, string>> VietnameseStrings = new(() => Load(english: false));
    private static readonly Lazy<Dictionary<string, string>> EnglishStrings = new(() => Load(english: true));

    private readonly IReadOnlyDictionary<string, string> _strings;

    private UiText(CultureInfo culture, IReadOnlyDictionary<string, string> strings)
    {
        Culture = culture;
        _strings = strings;
    }

    /// <summary>The culture these strings and all numbers and dates on the page are in.</summary>
    public CultureInfo Culture { get; }

    public string this[string key] => _strings.TryGetValue(key, out var value) ? value : MissingMarker + key + "⟧";

    /// <summary>The strings for <paramref name="culture"/>'s language (English or, for anything else, Vietnamese).</summary>
    public static UiText For(CultureInfo culture) => new(culture, (UiCultures.IsEnglish(culture) ? EnglishStrings : VietnameseStrings).Value);

    public bool Has(string key) => _strings.ContainsKey(key);

    public string Format(string key, params object?[] arguments) => string.Format(Culture, this[key], arguments);

    private static Dictionary<string, string> Load(bool english)
    {
        // The neutral resources are the Vietnamese ones; tryParents is off so that English never borrows from them.
        var set = Resources.GetResourceSet(english ? UiCultures.English.Parent : CultureInfo.InvariantCulture, true, false)
            ?? throw new MissingManifestResourceException("The web UI's string resources are missing from the build.");
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in set)
        {
            if (entry is { Key: string key, Value: string value })
            {
                strings[key] = value;
            }
        }

        return strings;
    }
}
