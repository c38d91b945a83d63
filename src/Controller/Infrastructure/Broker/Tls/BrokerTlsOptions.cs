namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

/// <summary>
/// Configuration section "Broker:Tls": the broker's MQTT-over-TLS listener (the embedded broker's, or the generated
/// Mosquitto configuration's), which nodes on the village network use so that no one on the Wi-Fi reads their traffic
/// or poses as the broker.
/// </summary>
public sealed class BrokerTlsOptions
{
    /// <summary>Whether the embedded broker also listens with TLS (beside the plain port the Controller's own client uses).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The TLS port; 0 picks a free one (tests), which <see cref="EmbeddedBroker.TlsPort"/> then tells.</summary>
    public int Port { get; set; } = 8883;

    /// <summary>
    /// The DNS names and IP addresses nodes use to reach the broker, written into the generated server certificate
    /// (its subject alternative names); a node refuses a broker whose certificate does not name the host it dialled.
    /// Empty: this machine's host name, localhost, 127.0.0.1 and ::1.
    /// </summary>
    public IList<string> HostNames { get; } = [];

    /// <summary>
    /// A commune's own server certificate (PEM), issued directly by the commune's CA, used instead of the generated
    /// one; nodes then pin the commune's CA. Intermediates are not sent (MQTTnet presents the certificate alone).
    /// Set together with <see cref="KeyFile"/>.
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>The private key (PEM) of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }
}
