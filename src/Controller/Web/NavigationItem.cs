using SmartLoudspeaker.Controller.Accounts;

namespace SmartLoudspeaker.Controller.Web;

/// <summary>One entry of the main navigation.</summary>
/// <param name="RoleKey">Resource key of the role the page serves (the menu is grouped by role).</param>
/// <param name="TitleKey">Resource key of the link text.</param>
/// <param name="Path">Where it leads; also the prefix that marks it as the current section.</param>
/// <param name="Roles">The account roles that may open it: the menu shows a person only what their roles allow.</param>
internal sealed record NavigationItem(string RoleKey, string TitleKey, string Path, IReadOnlyList<string> Roles)
{
    /// <summary>
    /// Every page the web UI has, by role. Only pages that exist are listed: broadcasters' and emergency staff's
    /// pages join this list in the same piece of work that builds them.
    /// </summary>
    public static IReadOnlyList<NavigationItem> All { get; } =
    [
        new("Role.Technician", "Nav.Fleet", "/", [AccountRoles.Technician, AccountRoles.Viewer]),
        new("Role.Technician", "Nav.Zones", "/zones", [AccountRoles.Technician]),
        new("Role.Technician", "Nav.Enrolment", "/enrolment", [AccountRoles.Technician]),
        new("Role.Technician", "Nav.Identities", "/identities", [AccountRoles.Technician]),
        new("Role.Technician", "Nav.Broker", "/broker", [AccountRoles.Technician]),
        new("Role.Admin", "Nav.Users", "/users", [AccountRoles.Admin]),
        new("Role.Admin", "Nav.Audit", "/audit", [AccountRoles.Admin]),
        new("Role.Admin", "Nav.Settings", "/settings", [AccountRoles.Admin]),
    ];

    /// <summary>The entries <paramref name="user"/> may open (none for someone not signed in).</summary>
    public static IEnumerable<NavigationItem> For(System.Security.Claims.ClaimsPrincipal user) =>
        All.Where(item => item.Roles.Any(user.IsInRole));

    public bool IsCurrent(string requestPath) =>
        Path == "/" ? requestPath == "/" || requestPath.StartsWith("/nodes", StringComparison.Ordinal)
            : requestPath.StartsWith(Path, StringComparison.Ordinal);
}
