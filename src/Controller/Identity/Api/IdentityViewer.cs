using SmartLoudspeaker.Controller.Fleet;

namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>
/// Node identities as the API and pages show them: the stored identity, what the fleet view knows of the node, and a
/// rotation under way, judged at the current instant.
/// </summary>
internal sealed class IdentityViewer(EnrolmentService service, FleetRegistry fleet, TimeProvider timeProvider)
{
    /// <summary>Every identity, enrolled or revoked, by node id.</summary>
    public NodeIdentityView[] All()
    {
        var now = timeProvider.GetUtcNow();
        return [.. service.Identities().Select(identity => IdentityViews.View(identity, fleet.Find(identity.NodeId), Rotation(identity.NodeId, now)))];
    }

    /// <summary>One identity, or null.</summary>
    public NodeIdentityView? Find(string nodeId) =>
        service.FindIdentity(nodeId) is { } identity
            ? IdentityViews.View(identity, fleet.Find(nodeId), Rotation(nodeId, timeProvider.GetUtcNow()))
            : null;

    private RotationView? Rotation(string nodeId, DateTimeOffset now) =>
        service.FindRotation(nodeId) is { } rotation ? IdentityViews.View(rotation, now, service.RotationTimeout) : null;
}
