namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary>One of the caller's API tokens, without its secret (which was shown once, at creation).</summary>
public sealed record TokenView(string Id, string Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);
