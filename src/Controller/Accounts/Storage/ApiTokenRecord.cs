namespace SmartLoudspeaker.Controller.Accounts.Storage;

/// <summary>An API token for a script, as the store keeps it: the secret itself is shown once and never stored.</summary>
/// <param name="Id">A public id for listing and revoking.</param>
/// <param name="SecretHash">SHA-256 of the whole token text, lower-case hex.</param>
/// <param name="Owner">The person who made it; it never holds a role they do not hold now.</param>
/// <param name="Name">What it is for ("CAP feed", "demo").</param>
/// <param name="Roles">The roles it was given, a subset of its owner's.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="RevokedAt">When its owner or an admin revoked it; null while it works.</param>
internal sealed record ApiTokenRecord(
    string Id,
    string SecretHash,
    string Owner,
    string Name,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt);
