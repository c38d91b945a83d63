namespace SmartLoudspeaker.Controller.Accounts.Storage;

/// <summary>A person's account as the store keeps it.</summary>
/// <param name="Name">The sign-in name, lower case, unique; the document id.</param>
/// <param name="DisplayName">How pages name the person.</param>
/// <param name="PasswordHash">ASP.NET Core Identity's <c>PasswordHasher</c> format (PBKDF2, salted, versioned).</param>
/// <param name="Roles">The roles held (<see cref="AccountRoles"/>), each once.</param>
/// <param name="Disabled">A disabled account signs in to nothing and its sessions and tokens stop working.</param>
/// <param name="FailedAttempts">Failed sign-ins since the last success or lockout.</param>
/// <param name="LockedUntil">Until when every sign-in is refused; null when not locked.</param>
/// <param name="CreatedAt">When the account was made.</param>
/// <param name="ChangedAt">When its password, roles or state last changed.</param>
internal sealed record UserRecord(
    string Name,
    string DisplayName,
    string PasswordHash,
    IReadOnlyList<string> Roles,
    bool Disabled,
    int FailedAttempts,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset ChangedAt);
