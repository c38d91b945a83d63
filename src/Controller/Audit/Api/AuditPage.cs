namespace SmartLoudspeaker.Controller.Audit.Api;

/// <summary>One page of the audit log, newest first; <paramref name="Older"/> is the <c>before</c> of the next page, null on the last.</summary>
internal sealed record AuditPage(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<AuditEntry> Entries, string? Older);
