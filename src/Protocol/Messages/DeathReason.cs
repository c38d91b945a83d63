using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>Why a node session ended.</summary>
public enum DeathReason
{
    /// <summary>The broker published the node's Last Will: the connection was lost without a goodbye.</summary>
    [JsonStringEnumMemberName("lost")]
    Lost,

    /// <summary>The node said goodbye itself before a clean disconnect.</summary>
    [JsonStringEnumMemberName("shutdown")]
    Shutdown,
}
