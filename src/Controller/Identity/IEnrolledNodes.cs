using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Identity;

/// <summary>What ingest asks of the identity feature: is this node id enrolled, and did its key sign this.</summary>
internal interface IEnrolledNodes
{
    /// <summary>True when <paramref name="nodeId"/> is enrolled (not revoked, not retired, not unknown).</summary>
    bool IsEnrolled(string nodeId);

    /// <summary>True when <paramref name="payload"/> is signed by the enrolled key of <paramref name="nodeId"/>.</summary>
    bool IsSignedBy(string nodeId, SignedPayload payload);
}
