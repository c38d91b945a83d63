namespace SmartLoudspeaker.Controller.Audit;

/// <summary>
/// One line of the audit log: who did what to what, when, from where, and whether it was done. Written once, never
/// changed (docs/security.md, "Audit log").
/// </summary>
/// <param name="Id">Time-ordered (ticks, a count, a random part), so entries of the same tick keep their order.</param>
/// <param name="At">When the Controller decided.</param>
/// <param name="Actor">
/// The person's sign-in name, <c>name (token tk_…)</c> for an API token, <c>node:…</c> for a node, <c>system</c> for
/// the Controller itself, or <c>anonymous</c> for a caller it does not know.
/// </param>
/// <param name="Action">What was done, a dotted name from <see cref="AuditActions"/>.</param>
/// <param name="Outcome">Done or refused.</param>
/// <param name="Target">What it was done to: an account, a node, a command, a token id.</param>
/// <param name="Source">The client's address, when there is one.</param>
/// <param name="Detail">A short free text: the reason of a refusal, the roles given, the command's kind.</param>
internal sealed record AuditEntry(
    string Id,
    DateTimeOffset At,
    string Actor,
    string Action,
    AuditOutcome Outcome,
    string? Target,
    string? Source,
    string? Detail);
