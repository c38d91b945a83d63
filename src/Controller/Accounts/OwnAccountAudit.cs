using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// The audit entries of what a person does to their own account — sessions, API tokens, password — written alike
/// whether it came through the API or the account page: done or refused, with the reason.
/// </summary>
internal static class OwnAccountAudit
{
    public static Task RecordSessionEndedAsync(AuditTrail audit, HttpContext context, string sessionId, bool ended)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return audit.RecordAsync(context, AuditActions.SessionEnded, ended ? AuditOutcome.Succeeded : AuditOutcome.Refused,
            "session " + AuditTrail.Typed(sessionId), ended ? null : "no such session of the caller");
    }

    /// <summary>Every other session of the caller ended at once (the account page's "end all others").</summary>
    public static Task RecordOtherSessionsEndedAsync(AuditTrail audit, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return audit.RecordAsync(context, AuditActions.SessionEnded, AuditOutcome.Succeeded, "every other session");
    }

    /// <summary>A token refused before it was made: the caller asked for a role they do not hold.</summary>
    public static Task RecordTokenRoleNotHeldAsync(AuditTrail audit, HttpContext context, string? tokenName, string? role)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return audit.RecordAsync(context, AuditActions.TokenCreated, AuditOutcome.Refused, AuditTrail.Typed(tokenName),
            role is null ? "no role chosen" : $"the caller does not hold the role '{AuditTrail.Typed(role)}'");
    }

    public static Task RecordTokenCreatedAsync(AuditTrail audit, HttpContext context, string? tokenName, AccountChange<CreatedApiToken> created)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(created);
        return created.Value is { Record: var made }
            ? audit.RecordAsync(context, AuditActions.TokenCreated, AuditOutcome.Succeeded, made.Id,
                $"{made.Name}; roles {string.Join(",", made.Roles)}; expires {made.ExpiresAt:O}")
            : audit.RecordAsync(context, AuditActions.TokenCreated, AuditOutcome.Refused, AuditTrail.Typed(tokenName), created.Problem);
    }

    public static Task RecordTokenRevokedAsync(AuditTrail audit, HttpContext context, string tokenId, bool revoked)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return audit.RecordAsync(context, AuditActions.TokenRevoked, revoked ? AuditOutcome.Succeeded : AuditOutcome.Refused,
            AuditTrail.Typed(tokenId), revoked ? null : "no such live token of the caller");
    }

    /// <summary>A password change refused before it was tried: the current password was wrong, or the new one typed twice differently.</summary>
    public static Task RecordPasswordRefusedAsync(AuditTrail audit, HttpContext context, string name, string reason)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return audit.RecordAsync(context, AuditActions.PasswordChanged, AuditOutcome.Refused, name, reason);
    }

    public static Task RecordPasswordChangedAsync<T>(AuditTrail audit, HttpContext context, string name, AccountChange<T> changed, string sessionsEnded)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(changed);
        return audit.RecordAsync(context, AuditActions.PasswordChanged, changed.Value is null ? AuditOutcome.Refused : AuditOutcome.Succeeded,
            name, changed.Problem ?? sessionsEnded);
    }
}
