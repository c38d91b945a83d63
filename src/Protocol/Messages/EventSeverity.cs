using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>How much a node event matters to a technician.</summary>
public enum EventSeverity
{
    /// <summary>For the record.</summary>
    [JsonStringEnumMemberName("info")]
    Info,

    /// <summary>Needs attention soon.</summary>
    [JsonStringEnumMemberName("warning")]
    Warning,

    /// <summary>Something is broken now.</summary>
    [JsonStringEnumMemberName("fault")]
    Fault,
}
