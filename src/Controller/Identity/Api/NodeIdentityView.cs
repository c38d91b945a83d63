using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>An enrolled (or revoked) node, as the enrolled-nodes page shows it.</summary>
/// <param name="NodeId">Node id (its broker username).</param>
/// <param name="Status"><c>enrolled</c> or <c>revoked</c>.</param>
/// <param name="Fingerprint">Its key's fingerprint.</param>
/// <param name="Zones">Approved zones: what the broker lets it hear.</param>
/// <param name="DeclaredZones">Zones it asked for at enrolment.</param>
/// <param name="ZonesInBirth">Zones its latest birth declares (null before it spoke).</param>
/// <param name="ZoneMismatch">True when its birth declares other zones than the approved ones.</param>
/// <param name="Hardware">What it runs on.</param>
/// <param name="Software">Software version (the latest birth's, else the enrolment's).</param>
/// <param name="EnrolledAt">When it was approved.</param>
/// <param name="EnrolledBy">Who approved it.</param>
/// <param name="Via"><c>approval</c> or <c>token:{id}</c>.</param>
/// <param name="ChangedAt">Last change of status, zones or key.</param>
/// <param name="LastSeen">Last message from it (the fleet view's), or null.</param>
/// <param name="Online">Whether the fleet view has it online.</param>
/// <param name="RotatedAt">When its key was last replaced by a rotation, or null.</param>
/// <param name="Rotation">A rotation under way (or failed and not replaced), or null.</param>
public sealed record NodeIdentityView(
    string NodeId,
    string Status,
    string Fingerprint,
    IReadOnlyList<string> Zones,
    IReadOnlyList<string> DeclaredZones,
    IReadOnlyList<string>? ZonesInBirth,
    bool ZoneMismatch,
    HardwareProfile Hardware,
    string Software,
    DateTimeOffset EnrolledAt,
    string EnrolledBy,
    string Via,
    DateTimeOffset ChangedAt,
    DateTimeOffset? LastSeen,
    bool Online,
    DateTimeOffset? RotatedAt,
    RotationView? Rotation);
