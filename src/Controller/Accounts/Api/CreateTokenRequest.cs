namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary><c>POST /api/account/tokens</c>: what the token is for, its roles (held by the caller) and its life in days.</summary>
public sealed record CreateTokenRequest(string? Name, IReadOnlyList<string>? Roles, int Days);
