namespace SmartLoudspeaker.Node.Configuration;

/// <summary>One MQTT broker address a node may connect to.</summary>
public sealed record BrokerEndpoint
{
    /// <summary>Host name or IP address.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port (1883 for plain MQTT, 8883 for MQTT over TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// MQTT over TLS: the broker must present a certificate issued by the pinned CA (<c>Node:BrokerCaFile</c>) for
    /// <see cref="Host"/>; its dates are checked once the node's clock is trusted.
    /// </summary>
    public bool Tls { get; set; }

    /// <inheritdoc />
    public override string ToString() => Tls ? $"{Host}:{Port} (TLS)" : $"{Host}:{Port}";
}
