using SmartLoudspeaker.Controller.Accounts.Storage;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>A new API token: its record and its text, which exists nowhere else and is shown once.</summary>
internal sealed record CreatedApiToken(ApiTokenRecord Record, string Token);
