namespace SmartLoudspeaker.Node;

/// <summary>Configuration section <c>"Node"</c>.</summary>
public sealed class NodeOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Node";

    /// <summary>This node's id (also its MQTT client id); not used by the fleet simulator.</summary>
    public string? NodeId { get; set; }

    /// <summary>Zones this node belongs to; not used by the fleet simulator.</summary>
    public IList<string> Zones { get; } = [];

    /// <summary>Brokers in order of preference; the node moves to the next one when a connect fails.</summary>
    public IList<BrokerEndpoint> Brokers { get; } = [];

    /// <summary>Interval between health reports (whole seconds, 1 s – 1 h).</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>MQTT keep-alive: how soon the broker notices a silent node and publishes its Will (×1.5).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First reconnect delay ceiling; doubles per failed attempt.</summary>
    public TimeSpan ReconnectBackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest reconnect delay ceiling.</summary>
    public TimeSpan ReconnectBackoffCap { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Folder for the node's own files (its file system is reported in health).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Real Linux readings or simulated ones, for the single node.</summary>
    public HealthSourceKind HealthSource { get; set; } = HealthSourceKind.Linux;

    /// <summary>The fleet simulator.</summary>
    public SimulationOptions Simulation { get; set; } = new();
}
