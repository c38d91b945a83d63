using SmartLoudspeaker.Node.Agent;

namespace SmartLoudspeaker.Node.Configuration;

/// <summary>Configuration section <c>"Node"</c>.</summary>
public sealed class NodeOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Node";

    /// <summary>This node's id (also its MQTT client id); not used by the fleet simulator.</summary>
    public string? NodeId { get; set; }

    /// <summary>Zones this node belongs to; not used by the fleet simulator.</summary>
    public IList<string> Zones { get; } = [];

    /// <summary>
    /// Brokers in order of preference (e.g. the controller over the village LAN, then over the 4G VPN); the node
    /// moves to the next one when a connect fails or is refused, and back to the first once it is healthy again.
    /// </summary>
    public IList<BrokerEndpoint> Brokers { get; } = [];

    /// <summary>
    /// The CA certificate (PEM or DER) the node pins for brokers with <see cref="BrokerEndpoint.Tls"/>: the Controller's
    /// <c>broker-ca.pem</c>, or the commune's own CA. No other CA, the system's included, is trusted for them.
    /// </summary>
    public string? BrokerCaFile { get; set; }

    /// <summary>Interval between health reports (whole seconds, 1 s – 1 h).</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>MQTT keep-alive: how soon the broker notices a silent node and publishes its Will (×1.5).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reconnect window W: after a loss the first retry is uniformly random in [0, W) and later ones at least W apart,
    /// so a fleet returning from an outage spreads over W (see <see cref="Messaging.ReconnectBackoff"/>).
    /// </summary>
    public TimeSpan ReconnectWindow { get; set; } = NodeAgentSettings.DefaultReconnectWindow;

    /// <summary>Largest gap between two reconnect attempts.</summary>
    public TimeSpan ReconnectBackoffCap { get; set; } = NodeAgentSettings.DefaultReconnectCap;

    /// <summary>While on a backup broker, how often the first broker is probed (a TCP connect; ±20 % jitter).</summary>
    public TimeSpan FailbackProbeInterval { get; set; } = NodeAgentSettings.DefaultFailbackProbeInterval;

    /// <summary>Consecutive successful probes of the first broker before moving back to it.</summary>
    public int FailbackAfterHealthyProbes { get; set; } = NodeAgentSettings.DefaultFailbackAfterHealthyProbes;

    /// <summary>Most unacknowledged events kept on disk; beyond it the oldest is dropped.</summary>
    public int OutboxCapacity { get; set; } = NodeAgentSettings.DefaultOutboxCapacity;

    /// <summary>
    /// Folder for the node's own files: its key and broker password, the event outbox journal and the bdSeq (each
    /// simulated node uses a subfolder named after its id); its file system is reported in health.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Real Linux readings or simulated ones, for the single node.</summary>
    public HealthSourceKind HealthSource { get; set; } = HealthSourceKind.Linux;

    /// <summary>Signed control: the pinned root key and the clock policy.</summary>
    public NodeSecurityOptions Security { get; set; } = new();

    /// <summary>Enrolment: the token for bulk installs, and how long to wait for a technician's approval.</summary>
    public NodeEnrolmentOptions Enrolment { get; set; } = new();

    /// <summary>The fleet simulator.</summary>
    public SimulationOptions Simulation { get; set; } = new();

    /// <summary>The audio output: the ALSA device and the volume limits.</summary>
    public NodeAudioOptions Audio { get; set; } = new();
}
