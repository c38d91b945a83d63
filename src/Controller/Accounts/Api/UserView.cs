namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary>An account as admins see it (never its password hash).</summary>
public sealed record UserView(string Name, string DisplayName, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt);
