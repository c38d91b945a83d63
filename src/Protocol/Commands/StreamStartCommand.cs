using System.Text.Json.Serialization;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// "stream-start": the nodes it targets play the live stream <see cref="StreamId"/> from its packets
/// (docs/protocol.md, "Live audio packets"). The command's signed target is the stream's target: a packet names only
/// its stream, and a node plays packets of a stream it accepted a start for, so a packet moved to another zone's topic
/// is ignored there. One <see cref="Delay"/> for the whole stream, chosen by the Controller, is what keeps the villages
/// together: every node plays each frame at its timestamp plus that delay, on the Controller's clock.
/// </summary>
[CommandType("stream-start")]
public sealed record StreamStartCommand : ICommandBody
{
    /// <summary>Shortest delay: less leaves no room for a 4G link's jitter, so nodes would each go silent at other moments.</summary>
    public const int MinDelayMs = 100;

    /// <summary>Longest delay: beyond it a speaker hears himself late enough to stumble, and a stream start waits too long.</summary>
    public const int MaxDelayMs = 10_000;

    /// <summary>Shortest silence that ends a stream: shorter would end it at a speaker's pause on a lossy link.</summary>
    public const int MinEndAfterSilenceMs = 1_000;

    /// <summary>Longest silence that ends a stream: a Controller gone for longer must not hold the loudspeakers.</summary>
    public const int MaxEndAfterSilenceMs = 120_000;

    /// <summary>The stream, as its packets and topics name it: an id of node-id shape, never reused.</summary>
    public required string StreamId { get; init; }

    /// <summary>The priority class the stream plays at (its packets carry the same).</summary>
    public required PriorityClass Class { get; init; }

    /// <summary>The one play-out delay of this stream, in milliseconds, 100–10,000.</summary>
    public required int DelayMs { get; init; }

    /// <summary>Controller-clock timestamp of the stream's first frame, microseconds since the Unix epoch (as a packet's).</summary>
    public required long FirstTimestampUs { get; init; }

    /// <summary>Frames in every packet of the stream, 3–10; the node's jitter buffer sizes itself by it.</summary>
    public required int FramesPerPacket { get; init; }

    /// <summary>How long without a packet before a node ends the stream itself, in milliseconds, 1,000–120,000.</summary>
    public required int EndAfterSilenceMs { get; init; }

    /// <summary>True: the stream plays in quiet hours too (the signed override of "Priorities"); absent: it does not, unless emergency.</summary>
    public bool? OverrideQuietHours { get; init; }

    /// <summary><see cref="DelayMs"/> as a duration.</summary>
    [JsonIgnore]
    public TimeSpan Delay => TimeSpan.FromMilliseconds(DelayMs);

    /// <summary><see cref="EndAfterSilenceMs"/> as a duration.</summary>
    [JsonIgnore]
    public TimeSpan EndAfterSilence => TimeSpan.FromMilliseconds(EndAfterSilenceMs);

    /// <summary><see cref="FirstTimestampUs"/> as an instant on the Controller's clock.</summary>
    [JsonIgnore]
    public DateTimeOffset FirstTimestamp => DateTimeOffset.UnixEpoch.AddTicks(FirstTimestampUs * TimeSpan.TicksPerMicrosecond);

    /// <summary>When a frame captured at <paramref name="frameTimestamp"/> (Controller clock) plays on every node: that plus the delay.</summary>
    public DateTimeOffset PlayAt(DateTimeOffset frameTimestamp) => frameTimestamp + Delay;

    /// <inheritdoc />
    public string? Validate() =>
        !Identifiers.IsValid(StreamId) ? "'streamId' must be 1–64 characters of a–z, 0–9 and '-'."
        : !Enum.IsDefined(Class) ? "'class' must be a priority class."
        : DelayMs is < MinDelayMs or > MaxDelayMs ? $"'delayMs' must be {MinDelayMs}–{MaxDelayMs}, not {DelayMs}."
        : FirstTimestampUs < 0 || FirstTimestampUs > LiveAudioPacketCodec.MaxTimestampMicros ? "'firstTimestampUs' must be microseconds since the Unix epoch."
        : FramesPerPacket is < LiveAudioPacketCodec.MinFrames or > LiveAudioPacketCodec.MaxFrames
            ? $"'framesPerPacket' must be {LiveAudioPacketCodec.MinFrames}–{LiveAudioPacketCodec.MaxFrames}, not {FramesPerPacket}."
        : EndAfterSilenceMs is < MinEndAfterSilenceMs or > MaxEndAfterSilenceMs
            ? $"'endAfterSilenceMs' must be {MinEndAfterSilenceMs}–{MaxEndAfterSilenceMs}, not {EndAfterSilenceMs}."
        : null;
}
