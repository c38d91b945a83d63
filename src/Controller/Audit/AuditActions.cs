namespace SmartLoudspeaker.Controller.Audit;

/// <summary>
/// The names of what the audit log records, grouped by their first segment so a filter on <c>account.</c> finds every
/// account action. A name is part of the stored log: never rename one.
/// </summary>
internal static class AuditActions
{
    public const string SignIn = "account.sign-in";
    public const string SignOut = "account.sign-out";

    /// <summary>An admin gave an account other roles (detail: before → after), or was refused (the last admin's).</summary>
    public const string UserRolesChanged = "user.roles-changed";

    /// <summary>An admin disabled an account (its sessions ended, its tokens stopped), or was refused.</summary>
    public const string UserDisabled = "user.disabled";

    /// <summary>An admin enabled a disabled account again.</summary>
    public const string UserEnabled = "user.enabled";
}
