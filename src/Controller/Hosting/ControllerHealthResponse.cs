namespace SmartLoudspeaker.Controller.Hosting;

/// <summary><c>GET /healthz</c>: 200 when every part works, 503 otherwise.</summary>
public sealed record ControllerHealthResponse
{
    /// <summary>"healthy", "degraded" (working, but the store started from a damaged file) or "unhealthy" (503).</summary>
    public required string Status { get; init; }

    /// <summary>"Embedded" or "External".</summary>
    public required string BrokerMode { get; init; }

    /// <summary>Embedded broker running; null with an external broker.</summary>
    public bool? EmbeddedBrokerRunning { get; init; }

    /// <summary>Port of the broker the controller uses (the bound one for the embedded broker).</summary>
    public required int BrokerPort { get; init; }

    /// <summary>The controller's MQTT client is connected.</summary>
    public required bool MqttConnected { get; init; }

    /// <summary>The store's last write succeeded (false: nothing is being acknowledged until it recovers).</summary>
    public required bool StoreHealthy { get; init; }

    /// <summary>Why the last store write failed, while it fails.</summary>
    public string? StoreError { get; init; }

    /// <summary>Why the store started degraded (a damaged file rebuilt or moved aside); null when it did not.</summary>
    public string? StoreDegraded { get; init; }

    /// <summary>This controller run's instance id (as on sl/v1/controller/state).</summary>
    public required string Instance { get; init; }
}
