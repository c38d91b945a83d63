using SmartLoudspeaker.Protocol.Enrolment;

namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>An enrolment request waiting for a technician (verified: signed by the key it carries).</summary>
/// <param name="NodeId">The node id asked for.</param>
/// <param name="ReceivedAt">When the Controller received it (the newest request of a node replaces the older).</param>
/// <param name="Request">The request as received.</param>
/// <param name="Reason">Why it waits.</param>
/// <param name="Note">What else a technician should know (a token that did not verify), or null.</param>
public sealed record PendingEnrolment(string NodeId, DateTimeOffset ReceivedAt, EnrolmentRequest Request, HoldReason Reason, string? Note);
