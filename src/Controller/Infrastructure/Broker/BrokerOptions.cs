using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>Configuration section "Broker": which broker the controller uses and how it reaches it.</summary>
public sealed class BrokerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Broker";

    /// <summary>Embedded (default) or External.</summary>
    public BrokerMode Mode { get; set; } = BrokerMode.Embedded;

    /// <summary>
    /// TCP port: the port the embedded broker listens on, or the external broker's port. 0 with the embedded broker
    /// means "any free port" (tests); <see cref="Broker.EmbeddedBroker.Port"/> then tells the port bound.
    /// </summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// Address the embedded broker listens on. The default is every interface (0.0.0.0, and [::] alongside it)
    /// because the nodes sit in village halls on the LAN or behind a 4G VPN, never on the controller's machine; a
    /// loopback default would make a fresh install silently unreachable. The broker's publish policy and the signed
    /// commands are what protect the fleet, not the bind address. Use 127.0.0.1 for a single-machine demo or tests.
    /// </summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Embedded broker: the most clients connected at once besides the controller's own; a new client id beyond it is
    /// refused (server busy). A commune has a few hundred nodes plus observers; the cap stops a stranger opening
    /// thousands of sessions. A client reconnecting with an id already connected (a takeover) is not refused.
    /// </summary>
    public int MaxConnections { get; set; } = 2000;

    /// <summary>
    /// Embedded broker: the most topic filters one client may hold; a filter beyond it is refused (quota exceeded).
    /// A node subscribes to a handful; the cap stops one client making the broker match every publish against
    /// thousands of filters. The controller's own client is exempt.
    /// </summary>
    public int MaxSubscriptionsPerClient { get; set; } = 32;

    /// <summary>Embedded broker: the MQTT-over-TLS listener nodes use (section "Broker:Tls").</summary>
    public BrokerTlsOptions Tls { get; set; } = new();

    /// <summary>Host name or address of the external broker (External mode only).</summary>
    public string? Host { get; set; }

    /// <summary>Pause between reconnect attempts of the controller's own MQTT client.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>MQTT keep-alive of the controller's client: how soon a dead link is noticed.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);
}
