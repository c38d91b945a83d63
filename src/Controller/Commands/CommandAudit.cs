using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// How a command issued (or refused) reads in the audit log, the same from the API, the node page and a rotation:
/// the target (<c>node:…</c>, <c>zone:…</c>, <c>fleet</c>), the command's kind and id, or why it was refused.
/// </summary>
internal static class CommandAudit
{
    public static Task RecordAsync(AuditTrail audit, HttpContext context, CommandTarget target, string? kind, IssueResult result)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(result);
        var detail = result.Failure == IssueFailure.None
            ? $"{kind}; command {result.Command!.Id}"
            : $"{kind}; refused ({result.Failure}): {result.Problem}";
        return audit.RecordAsync(
            context, AuditActions.CommandIssued, result.Failure == IssueFailure.None ? AuditOutcome.Succeeded : AuditOutcome.Refused, TargetOf(target), detail);
    }

    public static string TargetOf(CommandTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Node is { } node ? "node:" + node : target.Zone is { } zone ? "zone:" + zone : "fleet";
    }
}
