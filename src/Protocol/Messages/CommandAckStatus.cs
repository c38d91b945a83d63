using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>Outcome of a command at one node.</summary>
public enum CommandAckStatus
{
    /// <summary>Verified and carried out.</summary>
    [JsonStringEnumMemberName("done")]
    Done,

    /// <summary>Not carried out; the reason says why.</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,

    /// <summary>Verified and carried out, but the action failed (e.g. a relay did not switch).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
