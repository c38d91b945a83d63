using System.Text;

namespace SmartLoudspeaker.Controller.Zones;

/// <summary>
/// What a zone's display name and description may be. Names are any Unicode text, compared as people read them:
/// trimmed, in normal form C (a phone keyboard may type "ô" as "o" and a combining circumflex; both are one name), and
/// without regard to case ("thôn 5" is "Thôn 5").
/// </summary>
internal static class ZoneRules
{
    /// <summary>Longest display name, in UTF-16 code units (what a browser's <c>maxlength</c> counts).</summary>
    public const int MaxNameLength = 64;

    /// <summary>Longest description, in UTF-16 code units.</summary>
    public const int MaxDescriptionLength = 200;

    /// <summary>The name as stored: trimmed, in normal form C; null when <paramref name="name"/> is null.</summary>
    public static string? NormalizeName(string? name) => name?.Trim().Normalize(NormalizationForm.FormC);

    /// <summary>The description as stored: trimmed, normal form C, null when empty.</summary>
    public static string? NormalizeDescription(string? description) =>
        string.IsNullOrWhiteSpace(description) ? null : description.Trim().Normalize(NormalizationForm.FormC);

    /// <summary>1–64 code units after normalising, no control characters (a line break would break every list).</summary>
    public static bool IsValidName(string? normalized) =>
        normalized is { Length: > 0 and <= MaxNameLength } && !normalized.Any(char.IsControl);

    public static bool IsValidDescription(string? normalized) =>
        normalized is null || (normalized.Length <= MaxDescriptionLength && !normalized.Any(char.IsControl));

    /// <summary>The key two names are the same by: upper case, invariant, of the normalised name.</summary>
    public static string NameKey(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        return normalized.ToUpperInvariant();
    }
}
