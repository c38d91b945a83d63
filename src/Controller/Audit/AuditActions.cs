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
    /// <summary>Wrong passwords reached the lockout threshold: the account is locked for a while.</summary>
    public const string Lockout = "account.lockout";
    /// <summary>One of the caller's sessions ended from the API (not the browser's own sign-out).</summary>
    public const string SessionEnded = "account.session-ended";
    /// <summary>Sign-in attempts from one address beyond the rate limit (429).</summary>
    public const string SignInRateLimited = "account.sign-in-rate-limited";
    public const string PasswordChanged = "account.password-changed";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
    /// <summary>A bearer token was refused (unknown, revoked, expired, owner disabled).</summary>
    public const string TokenRefused = "token.refused";
    public const string UserCreated = "user.created";
    public const string PasswordReset = "user.password-reset";
    /// <summary>A request refused for its role (403), or an API write without a sign-in (401).</summary>
    public const string AccessDenied = "access.denied";
    /// <summary>A cookie-authenticated API write without its antiforgery token.</summary>
    public const string AntiforgeryRefused = "access.antiforgery-refused";
    public const string EnrolmentApproved = "node.enrolment-approved";
    public const string EnrolmentRefused = "node.enrolment-refused";
    public const string EnrolmentTokenCreated = "node.enrolment-token-created";
    public const string EnrolmentTokenRevoked = "node.enrolment-token-revoked";
    public const string IdentityRevoked = "node.identity-revoked";
    public const string IdentityRotationRequested = "node.identity-rotation-requested";
    /// <summary>A rotation completed: the node's new key replaced the old one (actor: the node).</summary>
    public const string IdentityRotated = "node.identity-rotated";
    public const string IdentityRetired = "node.identity-retired";
    public const string IdentityZonesChanged = "node.identity-zones-changed";
    public const string ZoneCreated = "node.zone-created";
    public const string ZoneRenamed = "node.zone-renamed";
    public const string ZoneDeleted = "node.zone-deleted";
    /// <summary>A signed command to a node, a zone or the fleet, issued or refused (detail: its kind and why).</summary>
    public const string CommandIssued = "command.issued";
    /// <summary>The commune settings were saved (detail: each changed field, old → new) or a stale change refused.</summary>
    public const string SettingsChanged = "settings.changed";
}
