using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary>One node in <c>GET /api/nodes</c>.</summary>
public record NodeSummary
{
    /// <summary>Node id (also its MQTT client id).</summary>
    public required string Id { get; init; }

    /// <summary>True between a birth and a death or a silence of Fleet:OfflineAfterHeartbeats heartbeats.</summary>
    public required bool Online { get; init; }

    /// <summary>When the node went online or offline, on the controller's clock.</summary>
    public required DateTimeOffset StateSince { get; init; }

    /// <summary>When the controller last heard from the node, on the controller's clock.</summary>
    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>Zones from the latest birth.</summary>
    public required IReadOnlyList<string> Zones { get; init; }

    /// <summary>Node software version from the latest birth.</summary>
    public required string Software { get; init; }

    /// <summary>Board model from the latest birth.</summary>
    public required string HardwareModel { get; init; }

    /// <summary>Health report interval from the latest birth, as the node stated it.</summary>
    public required int HeartbeatSeconds { get; init; }

    /// <summary>
    /// The interval liveness is judged on: <see cref="HeartbeatSeconds"/> capped at Fleet:MaxHeartbeat. Smaller than
    /// <see cref="HeartbeatSeconds"/> when the node stated more than the Controller believes.
    /// </summary>
    public required int BelievedHeartbeatSeconds { get; init; }

    /// <summary>Capabilities from the latest birth.</summary>
    public required IReadOnlyList<string> Capabilities { get; init; }

    /// <summary>The latest health report, as the node sent it; null before the first one.</summary>
    public NodeHealth? Health { get; init; }

    /// <summary>When <see cref="Health"/> was received, on the controller's clock.</summary>
    public DateTimeOffset? HealthReceivedAt { get; init; }

    /// <summary>Faults derived now from the state and the latest health; empty when all is well.</summary>
    public required IReadOnlyList<NodeFault> Faults { get; init; }

    /// <summary>
    /// Zones a technician approved at enrolment: what the broker lets the node hear (<see cref="Zones"/> is what its
    /// birth declares). Null for a node with no identity (it is not heard, so only a store from before enrolment has one).
    /// </summary>
    public IReadOnlyList<string>? ApprovedZones { get; init; }

    /// <summary>True when the birth declares other zones than the approved ones.</summary>
    public bool ZoneMismatch { get; init; }
}
