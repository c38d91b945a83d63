using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Identity;

/// <summary>How a technician's action on an identity, a request or a token reads in the audit log, the same from the API and the pages.</summary>
internal static class IdentityAudit
{
    public static Task RecordAsync(AuditTrail audit, HttpContext context, string action, IdentityOutcome outcome, string target, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return outcome == IdentityOutcome.Done
            ? audit.RecordAsync(context, action, AuditOutcome.Succeeded, target, detail)
            : audit.RecordAsync(context, action, AuditOutcome.Refused, target, detail is null ? outcome.ToString() : $"{outcome}; {detail}");
    }

    /// <summary>A rotation asked for: the request itself, and the "rotate-identity" command when one was issued or refused.</summary>
    public static async Task RecordRotationAsync(AuditTrail audit, HttpContext context, string nodeId, IdentityOutcome outcome, IssueResult? issued)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var started = outcome == IdentityOutcome.Done && issued?.Failure == IssueFailure.None;
        await audit.RecordAsync(
            context, AuditActions.IdentityRotationRequested, started ? AuditOutcome.Succeeded : AuditOutcome.Refused, Node(nodeId),
            started ? "command " + issued!.Command!.Id : issued?.Problem ?? outcome.ToString());
        if (issued is not null)
        {
            await CommandAudit.RecordAsync(audit, context, new CommandTarget { Node = nodeId }, CommandCatalog.NameOf<RotateIdentityCommand>(), issued);
        }
    }

    public static string Node(string nodeId) => "node:" + nodeId;

    public static string Zones(IReadOnlyList<string>? zones) => zones is null ? "zones asked for" : "zones " + string.Join(",", zones);
}
