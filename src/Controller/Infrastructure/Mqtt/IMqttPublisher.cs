namespace SmartLoudspeaker.Controller.Infrastructure.Mqtt;

/// <summary>Publishes through the controller's own MQTT client.</summary>
internal interface IMqttPublisher
{
    /// <summary>True while connected to the broker.</summary>
    bool IsConnected { get; }

    /// <summary>Publishes one message; false when not connected or the broker did not accept it.</summary>
    Task<bool> PublishAsync(string topic, byte[] payload, bool atLeastOnce, bool retain, CancellationToken cancellationToken);
}
