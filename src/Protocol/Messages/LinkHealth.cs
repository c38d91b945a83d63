namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>The node's network link.</summary>
public sealed record LinkHealth
{
    /// <summary>Interface kind of the default route.</summary>
    public LinkType Type { get; init; }

    /// <summary>Received signal in dBm for Wi-Fi or cellular; null for wired links.</summary>
    public int? SignalDbm { get; init; }

    /// <summary>Which of the node's configured brokers it is connected to (0 = primary).</summary>
    public int Broker { get; init; }

    /// <summary>Successful connections since the process started; a count that keeps rising means a flapping link.</summary>
    public int Connections { get; init; }
}
