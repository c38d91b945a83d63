using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>An enrolled node as the Controller keeps it (last seen is the fleet's, not kept here).</summary>
/// <param name="NodeId">The node id, also its broker username and client id.</param>
/// <param name="PublicKey">Its public key, DER SubjectPublicKeyInfo in base64, as it sent it.</param>
/// <param name="Fingerprint">The key's fingerprint (<c>KeyFingerprint</c>).</param>
/// <param name="PasswordHash">Its broker password's <c>$7$</c> hash.</param>
/// <param name="ApprovedZones">Zones a technician (or a token) approved: the ones the broker lets it subscribe to.</param>
/// <param name="DeclaredZones">Zones it asked for in its request.</param>
/// <param name="Hardware">What it runs on.</param>
/// <param name="Software">Its software version at enrolment.</param>
/// <param name="Status">Enrolled or revoked.</param>
/// <param name="EnrolledAt">When it was approved.</param>
/// <param name="EnrolledBy">Who approved it (a technician's name, or <c>token:{id}</c>).</param>
/// <param name="Via"><c>approval</c> or <c>token:{id}</c>.</param>
/// <param name="ChangedAt">Last change of status, zones or key.</param>
/// <param name="RotatedAt">When its key was last replaced by a rotation the Controller asked for, or null.</param>
public sealed record NodeIdentityRecord(
    string NodeId,
    string PublicKey,
    string Fingerprint,
    string PasswordHash,
    IReadOnlyList<string> ApprovedZones,
    IReadOnlyList<string> DeclaredZones,
    HardwareProfile Hardware,
    string Software,
    IdentityStatus Status,
    DateTimeOffset EnrolledAt,
    string EnrolledBy,
    string Via,
    DateTimeOffset ChangedAt,
    DateTimeOffset? RotatedAt = null);
