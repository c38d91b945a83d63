using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>What the audio output is doing.</summary>
public sealed record AudioHealth
{
    /// <summary>"idle", "playing" or "fault".</summary>
    public required string State { get; init; }

    /// <summary>Priority class of what is playing, when something is.</summary>
    public PriorityClass? Class { get; init; }

    /// <summary>Output volume in percent.</summary>
    public int? VolumePercent { get; init; }
}
