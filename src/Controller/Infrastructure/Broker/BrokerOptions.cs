using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Live;

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

    /// <summary>
    /// Embedded broker: the largest PUBLISH on a JSON topic (health, events, commands…), whole packet, in bytes. A JSON
    /// message is at most <see cref="WireSchema.MaxJsonPayloadBytes"/> (16 KiB); the default adds 1 KiB for
    /// what the packet holds besides: the fixed header (5), the topic (2 + a few dozen bytes), the packet id (2) and
    /// MQTT 5 properties. A larger declaration is refused while reading, before the body is buffered.
    /// </summary>
    public int MaxJsonPacketBytes { get; set; } = WireSchema.MaxJsonPayloadBytes + 1024;

    /// <summary>
    /// Embedded broker: the largest PUBLISH on an audio topic (<c>sl/v1/+/+/audio/#</c>, <c>sl/v1/all/audio/#</c>), whole
    /// packet. A live packet's payload is at most <see cref="LiveAudioPacketCodec.MaxPacketBytes"/> (8 KiB); the default
    /// adds 1 KiB for the rest of the packet, as <see cref="MaxJsonPacketBytes"/> does, so a full-size packet passes.
    /// A larger payload that fits is consumed unrouted by the publish check (<c>audio-too-large</c>).
    /// </summary>
    public int MaxAudioPacketBytes { get; set; } = LiveAudioPacketCodec.MaxPacketBytes + 1024;

    /// <summary>Embedded broker: the largest PUBLISH on a media topic (<c>sl/v1/+/+/media/#</c>, <c>sl/v1/all/media/#</c>), whole packet.</summary>
    public int MaxMediaPacketBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Embedded broker: the largest packet other than PUBLISH (CONNECT with its Will, SUBSCRIBE, UNSUBSCRIBE,
    /// acknowledgements). A node's CONNECT and SUBSCRIBE are a few hundred bytes.
    /// </summary>
    public int MaxControlPacketBytes { get; set; } = 4 * 1024;

    /// <summary>
    /// Embedded broker: publishes per second one connection may keep up (a node sends a health report every 30 s and
    /// events as they happen); beyond <see cref="PublishBurst"/> the connection is closed. The controller's client is exempt.
    /// </summary>
    public int MaxPublishesPerSecond { get; set; } = 50;

    /// <summary>Embedded broker: publishes one connection may send at once before <see cref="MaxPublishesPerSecond"/> applies.</summary>
    public int PublishBurst { get; set; } = 200;

    /// <summary>
    /// Embedded broker: messages the broker holds for one client and has not yet written to it (the client is slower
    /// than its traffic, or offline with a kept session); beyond it the oldest is dropped. The controller's client
    /// shares the cap and takes the whole fleet's traffic: after a broker restart every node sends a birth and a health
    /// report at once (2 × <see cref="MaxConnections"/>), so the default leaves room for that.
    /// </summary>
    public int MaxQueuedMessagesPerClient { get; set; } = 5000;

    /// <summary>
    /// External mode only: the username the Controller's client presents, instead of <c>controller</c> (a broker whose
    /// accounts someone else manages). With <see cref="Password"/>; both or neither.
    /// </summary>
    public string? Username { get; set; }

    /// <summary>External mode only: the password that goes with <see cref="Username"/>, instead of the generated one.</summary>
    public string? Password { get; set; }

    /// <summary>External mode: the generated Mosquitto files (section "Broker:Mosquitto").</summary>
    public Mosquitto.MosquittoOptions Mosquitto { get; set; } = new();

    /// <summary>
    /// The MQTT-over-TLS listener nodes use (section "Broker:Tls"): the embedded broker's, or the one written into the
    /// generated <c>mosquitto.conf</c> in external mode with <c>Broker:Mosquitto:ConfigDirectory</c>.
    /// </summary>
    public BrokerTlsOptions Tls { get; set; } = new();

    /// <summary>Host name or address of the external broker (External mode only).</summary>
    public string? Host { get; set; }

    /// <summary>Pause between reconnect attempts of the controller's own MQTT client.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>MQTT keep-alive of the controller's client: how soon a dead link is noticed.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);
}
