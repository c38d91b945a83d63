namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary><c>PUT /api/users/{name}/roles</c> (admins): every role the account holds from now on.</summary>
public sealed record SetRolesRequest(IReadOnlyList<string>? Roles);
