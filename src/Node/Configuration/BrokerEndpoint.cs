namespace SmartLoudspeaker.Node.Configuration;

/// <summary>One MQTT broker address a node may connect to.</summary>
public sealed record BrokerEndpoint
{
    /// <summary>Host name or IP address.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port (1883 for plain MQTT).</summary>
    public int Port { get; set; } = 1883;

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port}";
}
