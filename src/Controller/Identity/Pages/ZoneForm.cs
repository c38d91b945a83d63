using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Identity.Pages;

/// <summary>
/// The zones of a posted form: the ticked checkboxes (<c>zone</c>) and the ids typed in the "other zones" box
/// (<c>more</c>, separated by commas or spaces). The service checks the result (1–16 valid, distinct ids).
/// </summary>
internal static class ZoneForm
{
    /// <summary>Most characters read from the typed box: 16 ids of 64 characters and their separators.</summary>
    private const int MaxTyped = 16 * 65;

    public static IReadOnlyList<string> Read(IEnumerable<string>? ticked, string? typed)
    {
        var zones = new List<string>();
        foreach (var zone in (ticked ?? []).Concat(Split(typed)))
        {
            if (!zones.Contains(zone, StringComparer.Ordinal))
            {
                zones.Add(zone);
            }
        }

        return zones;
    }

    /// <summary>Checkboxes for <paramref name="known"/> and <paramref name="chosen"/> together, the chosen ones ticked.</summary>
    public static IReadOnlyList<ZoneChoice> Choices(IEnumerable<string> known, IReadOnlyCollection<string> chosen) =>
        [.. known.Concat(chosen).Where(Identifiers.IsValid).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(zone => new ZoneChoice(zone, chosen.Contains(zone)))];

    private static string[] Split(string? typed) =>
        typed is null ? [] : typed[..Math.Min(typed.Length, MaxTyped)].Split([',', ' ', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
}
