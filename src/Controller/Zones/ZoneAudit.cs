using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Zones;

/// <summary>How a change to the zone registry reads in the audit log, the same from the API and the zones page.</summary>
internal static class ZoneAudit
{
    public static Task RecordAsync(AuditTrail audit, HttpContext context, string action, ZoneChange change, string? zoneId)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(change);
        var target = "zone:" + (change.Zone?.Id ?? AuditTrail.Typed(zoneId));
        return change.Succeeded
            ? audit.RecordAsync(context, action, AuditOutcome.Succeeded, target, change.Zone?.Name)
            : audit.RecordAsync(context, action, AuditOutcome.Refused, target, change.Problem.ToString());
    }
}
