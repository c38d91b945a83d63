using SmartLoudspeaker.Controller.Accounts.Storage;
using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// The audit entries of an admin's changes to other people's accounts, written alike whether the change came through
/// the API or the users page: done or refused (with the reason), the account as target.
/// </summary>
internal static class UserAudit
{
    /// <summary>Records a change of roles: the roles before and after when done, the reason when refused (an unknown account is not recorded as a target that exists).</summary>
    public static Task RecordRolesAsync(AuditTrail audit, HttpContext context, string target, IReadOnlyList<string>? before, AccountChange<UserRecord> change)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(change);
        return change.Value is { } user
            ? audit.RecordAsync(context, AuditActions.UserRolesChanged, AuditOutcome.Succeeded, user.Name, $"{List(before)} → {List(user.Roles)}")
            : audit.RecordAsync(context, AuditActions.UserRolesChanged, AuditOutcome.Refused, AuditTrail.Typed(target), change.Problem);
    }

    /// <summary>Records a disable or an enable, done or refused.</summary>
    public static Task RecordStateAsync(AuditTrail audit, HttpContext context, string target, bool disabled, AccountChange<UserRecord> change)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(change);
        var action = disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled;
        return change.Value is { } user
            ? audit.RecordAsync(context, action, AuditOutcome.Succeeded, user.Name, disabled ? "sessions ended, tokens stopped" : null)
            : audit.RecordAsync(context, action, AuditOutcome.Refused, AuditTrail.Typed(target), change.Problem);
    }

    /// <summary>Records an account made by an admin: its roles when done, the reason when refused.</summary>
    public static Task RecordCreatedAsync(AuditTrail audit, HttpContext context, string? typedName, AccountChange<UserRecord> change)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(change);
        return change.Value is { } user
            ? audit.RecordAsync(context, AuditActions.UserCreated, AuditOutcome.Succeeded, user.Name, "roles " + List(user.Roles))
            : audit.RecordAsync(context, AuditActions.UserCreated, AuditOutcome.Refused, AuditTrail.Typed(typedName), change.Problem);
    }

    /// <summary>Records a password reset by an admin (the account's sessions end with it).</summary>
    public static Task RecordPasswordResetAsync(AuditTrail audit, HttpContext context, string? typedName, AccountChange<UserRecord> change)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(change);
        return change.Value is { } user
            ? audit.RecordAsync(context, AuditActions.PasswordReset, AuditOutcome.Succeeded, user.Name, "every session ended")
            : audit.RecordAsync(context, AuditActions.PasswordReset, AuditOutcome.Refused, AuditTrail.Typed(typedName), change.Problem);
    }

    private static string List(IReadOnlyList<string>? roles) => roles is null or { Count: 0 } ? "(none)" : string.Join(", ", roles);
}
