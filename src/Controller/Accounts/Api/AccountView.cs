namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary><c>GET /api/account</c>: who is calling, with which roles, and by what (a session or a token).</summary>
public sealed record AccountView(string Name, string DisplayName, IReadOnlyList<string> Roles, string Via);
