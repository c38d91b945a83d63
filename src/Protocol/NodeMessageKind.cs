namespace SmartLoudspeaker.Protocol;

/// <summary>The last level of a topic under <c>sl/v1/node/{nodeId}/</c>.</summary>
public enum NodeMessageKind
{
    /// <summary><c>birth</c>: node → controller, QoS 1, not retained.</summary>
    Birth,

    /// <summary><c>death</c>: node's Last Will or clean shutdown, QoS 1, not retained.</summary>
    Death,

    /// <summary><c>health</c>: node → controller, QoS 0, not retained.</summary>
    Health,

    /// <summary><c>event</c>: node → controller, QoS 1, acknowledged by <see cref="EventAck"/>.</summary>
    Event,

    /// <summary><c>evack</c>: controller → node, QoS 1, acknowledges events.</summary>
    EventAck,

    /// <summary><c>cmd</c>: controller → node, QoS 1, a signed command envelope.</summary>
    Command,

    /// <summary><c>ack</c>: node → controller, QoS 1, the outcome of a command.</summary>
    CommandAck,

    /// <summary><c>time-req</c>: node → controller, QoS 0, a clock-sync request.</summary>
    TimeRequest,

    /// <summary><c>time-resp</c>: controller → node, QoS 0, a signed clock-sync reply.</summary>
    TimeReply,
}
