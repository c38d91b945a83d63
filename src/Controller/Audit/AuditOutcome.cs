namespace SmartLoudspeaker.Controller.Audit;

/// <summary>Whether what an audit entry records was done or refused.</summary>
internal enum AuditOutcome
{
    Succeeded,
    Refused,
}
