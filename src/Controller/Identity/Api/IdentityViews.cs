using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Identity.Storage;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>Turns the identity feature's records into the API's views (no secret ever leaves here).</summary>
internal static class IdentityViews
{
    public static PendingRequestView View(PendingEnrolment pending, NodeIdentityRecord? enrolled) => new(
        pending.NodeId,
        pending.ReceivedAt,
        Name(pending.Reason),
        pending.Note,
        pending.Request.Zones,
        pending.Request.Hardware,
        pending.Request.Software,
        KeyFingerprint.Of(pending.Request.PublicKeyBytes()),
        pending.Reason == HoldReason.KeyChanged ? enrolled?.Fingerprint : null,
        pending.Request.TokenId,
        pending.Request.Ts);

    public static NodeIdentityView View(NodeIdentityRecord identity, NodeState? node, RotationView? rotation) => new(
        identity.NodeId,
        identity.Status == IdentityStatus.Enrolled ? "enrolled" : "revoked",
        identity.Fingerprint,
        identity.ApprovedZones,
        identity.DeclaredZones,
        node?.Zones,
        ZoneMismatch(identity, node),
        node?.Hardware ?? identity.Hardware,
        node?.Software ?? identity.Software,
        identity.EnrolledAt,
        identity.EnrolledBy,
        identity.Via,
        identity.ChangedAt,
        node?.LastSeen,
        node?.Online ?? false,
        identity.RotatedAt,
        rotation);

    public static RotationView View(IdentityRotation rotation, DateTimeOffset now, TimeSpan timeout) => new(
        rotation.HasFailedAt(now, timeout) ? "failed" : "rotating",
        rotation.CommandId,
        rotation.RequestedAt,
        rotation.RequestedBy,
        rotation.RequestedAt + timeout,
        rotation.OldFingerprint,
        rotation.ExpectedFingerprint);

    public static EnrolmentTokenView View(EnrolmentTokenRecord token, DateTimeOffset now) =>
        new(token.Id, token.Zones, token.Expires, token.MaxUses, token.Uses, token.CreatedAt, token.CreatedBy, token.Revoked, token.UsableAt(now));

    /// <summary>True when the node's birth declares zones other than the approved ones (the broker goes by the approved).</summary>
    public static bool ZoneMismatch(NodeIdentityRecord identity, NodeState? node) =>
        node is not null && !new HashSet<string>(node.Zones, StringComparer.Ordinal).SetEquals(identity.ApprovedZones);

    public static string Name(HoldReason reason) => reason switch
    {
        HoldReason.KeyChanged => "key-changed",
        HoldReason.Revoked => "revoked",
        _ => "new",
    };
}
