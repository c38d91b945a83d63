using System.Security.Claims;
using SmartLoudspeaker.Controller.Accounts.Storage;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>The principal of a request: the person's name and display name, their roles, and the session or token it came with.</summary>
internal static class AccountClaims
{
    public const string DisplayName = "sl:display";
    public const string Session = "sl:session";
    public const string Token = "sl:token";

    public static ClaimsPrincipal Principal(UserRecord user, IEnumerable<string> roles, string scheme, string credentialClaim, string credentialId)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Name),
            new(ClaimTypes.Name, user.Name),
            new(DisplayName, user.DisplayName),
            new(credentialClaim, credentialId),
        };
        claims.AddRange(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The roles the principal holds, in <see cref="AccountRoles.All"/>'s order.</summary>
    public static IReadOnlyList<string> Roles(ClaimsPrincipal principal) => [.. AccountRoles.All.Where(principal.IsInRole)];
}
