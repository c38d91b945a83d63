namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// The roles a person (or a token) may hold, one per job; one person may hold several. The names are stored in the
/// user documents and tokens and typed on the command line, so they never change.
/// </summary>
internal static class AccountRoles
{
    public const string Admin = "admin";
    public const string Broadcaster = "broadcaster";
    public const string Approver = "approver";
    public const string Emergency = "emergency";
    public const string Technician = "technician";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Broadcaster, Approver, Emergency, Technician, Viewer];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>
    /// Parses a comma-separated list ("technician, viewer"): known names only, each once, in <see cref="All"/>'s
    /// order; null with the first unknown name in <paramref name="unknown"/>.
    /// </summary>
    public static IReadOnlyList<string>? Parse(string list, out string? unknown)
    {
        ArgumentNullException.ThrowIfNull(list);
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        unknown = names.FirstOrDefault(name => !IsKnown(name));
        return unknown is null ? Normalize(names) : null;
    }

    /// <summary>Known roles only, each once, in <see cref="All"/>'s order.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return [.. All.Where(set.Contains)];
    }
}
