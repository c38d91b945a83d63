namespace SmartLoudspeaker.Controller.Audit;

/// <summary>
/// The names of what the audit log records, grouped by their first segment so a filter on <c>account.</c> finds every
/// account action. A name is part of the stored log: never rename one.
/// </summary>
internal static class AuditActions
{
    public const string SignIn = "account.sign-in";
    public const string SignOut = "account.sign-out";

    /// <summary>The commune settings were saved (detail: each changed field, old → new) or a stale change refused.</summary>
    public const string SettingsChanged = "settings.changed";
}
