using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>What the controller knows about one node; immutable, replaced on every change.</summary>
internal sealed record NodeState
{
    public required string Id { get; init; }

    public required IReadOnlyList<string> Zones { get; init; }

    public required string Software { get; init; }

    public required HardwareProfile Hardware { get; init; }

    public required IReadOnlyList<string> Capabilities { get; init; }

    public required int HeartbeatSeconds { get; init; }

    /// <summary>Birth/death sequence of the node's current session, from its latest birth.</summary>
    public required int BdSeq { get; init; }

    /// <summary>When the controller last received anything from the node, on the controller's clock.</summary>
    public required DateTimeOffset LastSeen { get; init; }

    public required bool Online { get; init; }

    /// <summary>When <see cref="Online"/> last changed, on the controller's clock.</summary>
    public required DateTimeOffset StateSince { get; init; }

    /// <summary>The latest health report, if any.</summary>
    public NodeHealth? Health { get; init; }

    /// <summary>When <see cref="Health"/> was received, on the controller's clock.</summary>
    public DateTimeOffset? HealthReceivedAt { get; init; }

    public TimeSpan Heartbeat => TimeSpan.FromSeconds(HeartbeatSeconds);
}
