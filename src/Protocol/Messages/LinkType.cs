using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>How the node reaches the broker.</summary>
public enum LinkType
{
    /// <summary>Not known.</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown,

    /// <summary>Wired Ethernet.</summary>
    [JsonStringEnumMemberName("ethernet")]
    Ethernet,

    /// <summary>Wi-Fi client.</summary>
    [JsonStringEnumMemberName("wifi")]
    Wifi,

    /// <summary>Cellular modem (4G/LTE).</summary>
    [JsonStringEnumMemberName("cellular")]
    Cellular,

    /// <summary>Simulated node on loopback.</summary>
    [JsonStringEnumMemberName("loopback")]
    Loopback,
}
