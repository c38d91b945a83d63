namespace SmartLoudspeaker.Controller.Web;

/// <summary>One entry of the main navigation.</summary>
/// <param name="RoleKey">Resource key of the role the page serves (the menu is grouped by role).</param>
/// <param name="TitleKey">Resource key of the link text.</param>
/// <param name="Path">Where it leads; also the prefix that marks it as the current section.</param>
internal sealed record NavigationItem(string RoleKey, string TitleKey, string Path)
{
    /// <summary>
    /// Every page the web UI has, by role. Only pages that exist are listed: broadcasters' and emergency staff's
    /// pages join this list in the same piece of work that builds them.
    /// </summary>
    public static IReadOnlyList<NavigationItem> All { get; } =
    [
        new("Role.Technician", "Nav.Fleet", "/"),
        new("Role.Technician", "Nav.Zones", "/zones"),
        new("Role.Technician", "Nav.Enrolment", "/enrolment"),
        new("Role.Technician", "Nav.Identities", "/identities"),
        new("Role.Technician", "Nav.Broker", "/broker"),
    ];

    public bool IsCurrent(string requestPath) =>
        Path == "/" ? requestPath == "/" || requestPath.StartsWith("/nodes", StringComparison.Ordinal)
            : requestPath.StartsWith(Path, StringComparison.Ordinal);
}
