namespace SmartLoudspeaker.Protocol;

/// <summary>The node's network link.</summary>
public sealed record LinkHealth
{
    /// <summary>Interface kind of the default route.</summary>
    public LinkType Type { get; init; }

    /// <summary>Received signal in dBm for Wi-Fi or cellular; null for wired links.</summary>
    public int? SignalDbm { get; init; }

    /// <summary>Which of the node's configured brokers it is connected to (0 = primary).</summary>
    public int Broker { get; init; }

    /// <summary>Connections made since the process started; a rising count means a flapping link.</summary>
    public int Reconnects { get; init; }
}
