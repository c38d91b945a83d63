using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Protocol.Priority;

/// <summary>
/// Who may sound, lowest first (Thông tư 39/2020/TT-BTTTT: thông thường, ưu tiên, khẩn cấp; plus live and
/// background). The order of the values is the order of precedence.
/// </summary>
public enum PriorityClass
{
    /// <summary>Music, filler: yields to everything.</summary>
    [JsonStringEnumMemberName("background")]
    Background = 0,

    /// <summary>Thông thường: the daily programme, notices.</summary>
    [JsonStringEnumMemberName("normal")]
    Normal = 1,

    /// <summary>Ưu tiên: priority bulletins.</summary>
    [JsonStringEnumMemberName("priority")]
    Priority = 2,

    /// <summary>A person on the microphone, or a live source a person starts now.</summary>
    [JsonStringEnumMemberName("live")]
    Live = 3,

    /// <summary>Khẩn cấp: alarms, CAP alerts, emergency live.</summary>
    [JsonStringEnumMemberName("emergency")]
    Emergency = 4,
}
