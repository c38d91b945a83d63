using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Commune;

/// <summary>How a settings change goes into the audit log, the same from the API and the page.</summary>
internal static class SettingsAudit
{
    /// <summary>The audit entries' target.</summary>
    public const string Target = "commune";

    /// <summary>Records a saved change (each changed field old → new) or a refused stale one; nothing else is a change.</summary>
    public static Task RecordAsync(AuditTrail audit, HttpContext context, SettingsUpdate update, long fromVersion)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(update);
        return update.Outcome switch
        {
            SettingsOutcome.Saved => audit.RecordAsync(
                context, AuditActions.SettingsChanged, AuditOutcome.Succeeded, Target,
                $"version {update.Settings.Version}: {string.Join("; ", update.Changes)}"),
            SettingsOutcome.Stale => audit.RecordAsync(
                context, AuditActions.SettingsChanged, AuditOutcome.Refused, Target,
                $"made from version {fromVersion}, version {update.Settings.Version} is in force"),
            _ => Task.CompletedTask,
        };
    }
}
