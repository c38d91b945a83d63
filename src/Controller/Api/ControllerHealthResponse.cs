namespace SmartLoudspeaker.Controller.Api;

/// <summary><c>GET /healthz</c>: 200 when every part works, 503 otherwise.</summary>
public sealed record ControllerHealthResponse
{
    /// <summary>"healthy" or "unhealthy".</summary>
    public required string Status { get; init; }

    /// <summary>"Embedded" or "External".</summary>
    public required string BrokerMode { get; init; }

    /// <summary>Embedded broker running; null with an external broker.</summary>
    public bool? EmbeddedBrokerRunning { get; init; }

    /// <summary>Port of the broker the controller uses (the bound one for the embedded broker).</summary>
    public required int BrokerPort { get; init; }

    /// <summary>The controller's MQTT client is connected.</summary>
    public required bool MqttConnected { get; init; }

    /// <summary>The store answers.</summary>
    public required bool StoreHealthy { get; init; }

    /// <summary>This controller run's instance id (as on sl/v1/controller/state).</summary>
    public required string Instance { get; init; }
}
