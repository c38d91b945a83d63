using System.Text.Json.Serialization;
using SmartLoudspeaker.Protocol.Live;

namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// "stream-stop": the live stream <see cref="StreamId"/> ends. A command travels on another topic than the packets and
/// may overtake the last of them, so it can say where the stream ends: the node plays what it holds up to
/// <see cref="EndTimestampUs"/> and then ends; without it, the node fades out at once (an operator's "stop now").
/// A stream that is not playing (never started, already ended by silence) is stopped already: still "done".
/// </summary>
[CommandType("stream-stop")]
public sealed record StreamStopCommand : ICommandBody
{
    /// <summary>The stream to end.</summary>
    public required string StreamId { get; init; }

    /// <summary>Controller-clock timestamp just after the stream's last frame, microseconds since the Unix epoch; absent: end now.</summary>
    public long? EndTimestampUs { get; init; }

    /// <summary><see cref="EndTimestampUs"/> as an instant, or null.</summary>
    [JsonIgnore]
    public DateTimeOffset? EndTimestamp => EndTimestampUs is { } us ? DateTimeOffset.UnixEpoch.AddTicks(us * TimeSpan.TicksPerMicrosecond) : null;

    /// <inheritdoc />
    public string? Validate() =>
        !Identifiers.IsValid(StreamId) ? "'streamId' must be 1–64 characters of a–z, 0–9 and '-'."
        : EndTimestampUs is < 0 || EndTimestampUs > LiveAudioPacketCodec.MaxTimestampMicros ? "'endTimestampUs' must be microseconds since the Unix epoch."
        : null;
}
