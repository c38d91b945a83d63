namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary><c>POST /api/account/password</c>: the current password and the new one.</summary>
public sealed record ChangePasswordRequest(string? Current, string? New);
