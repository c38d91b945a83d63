using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>An enrolment request waiting for a technician, as the enrolment page shows it.</summary>
/// <param name="NodeId">The node id asked for.</param>
/// <param name="ReceivedAt">When the Controller received it.</param>
/// <param name="Reason"><c>new</c>, <c>key-changed</c> (enrolled with another key) or <c>revoked</c>.</param>
/// <param name="Note">What else to know (a token that did not verify), or null.</param>
/// <param name="Zones">Zones it asks for (the default of an approval).</param>
/// <param name="Hardware">Model, serial (to match the cabinet), OS.</param>
/// <param name="Software">Software version.</param>
/// <param name="Fingerprint">Fingerprint of the key it carries (the node prints it at start).</param>
/// <param name="EnrolledFingerprint">For a key change: the fingerprint of the key enrolled now.</param>
/// <param name="TokenId">The token it was installed with, if any.</param>
/// <param name="SentAt">When it says it asked (its clock; may be wrong).</param>
public sealed record PendingRequestView(
    string NodeId,
    DateTimeOffset ReceivedAt,
    string Reason,
    string? Note,
    IReadOnlyList<string> Zones,
    HardwareProfile Hardware,
    string Software,
    string Fingerprint,
    string? EnrolledFingerprint,
    string? TokenId,
    DateTimeOffset SentAt);
