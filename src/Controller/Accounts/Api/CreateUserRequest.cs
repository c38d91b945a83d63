namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary><c>POST /api/users</c> (admins): the sign-in name, the display name and the roles of a new account.</summary>
public sealed record CreateUserRequest(string? Name, string? DisplayName, IReadOnlyList<string>? Roles);
