namespace SmartLoudspeaker.Controller.Accounts.Storage;

/// <summary>
/// A signed-in browser, kept on the server so it can be listed and ended: the cookie carries only a random secret,
/// of which the store keeps the SHA-256 (a copy of the store signs no one in).
/// </summary>
/// <param name="Id">A public id for listing and ending the session (not the secret).</param>
/// <param name="SecretHash">SHA-256 of the cookie's secret, lower-case hex.</param>
/// <param name="UserName">Whose session it is.</param>
/// <param name="CreatedAt">The sign-in.</param>
/// <param name="LastSeenAt">The last request seen (sliding expiry), as last written; requests in between refresh it in memory.</param>
/// <param name="ClientAddress">Where the sign-in came from.</param>
internal sealed record SessionRecord(string Id, string SecretHash, string UserName, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string? ClientAddress);
