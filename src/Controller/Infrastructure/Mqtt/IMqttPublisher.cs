using SmartLoudspeaker.Protocol.Outbound;

namespace SmartLoudspeaker.Controller.Infrastructure.Mqtt;

/// <summary>Publishes through the controller's own MQTT client.</summary>
internal interface IMqttPublisher
{
    /// <summary>True while connected to the broker.</summary>
    bool IsConnected { get; }

    /// <summary>Publishes one message on the control lane; false when not connected, the lane is full or the broker did not accept it.</summary>
    Task<bool> PublishAsync(string topic, byte[] payload, bool atLeastOnce, bool retain, CancellationToken cancellationToken);

    /// <summary>
    /// Queues one message on <paramref name="lane"/> and completes when the broker has it (QoS 1) or it was written
    /// (QoS 0); false at once when not connected or the lane is full, false later when the broker did not accept it or
    /// the connection ended before its turn.
    /// </summary>
    Task<bool> PublishAsync(OutboundLane lane, string topic, byte[] payload, bool atLeastOnce, bool retain, CancellationToken cancellationToken);
}
