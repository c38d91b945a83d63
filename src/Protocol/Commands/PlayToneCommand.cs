using System.Text.Json.Serialization;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// "play-tone": a technician's test of a loudspeaker line: the nodes it targets play a sine tone through the same
/// arbiter and playout as every other source, starting on the same sample of the Controller's clock, so villages that
/// hear each other hear one tone, not an echo. Reports of its life come back as "play.report" events.
/// </summary>
[CommandType("play-tone")]
public sealed record PlayToneCommand : ICommandBody
{
    /// <summary>Lowest frequency: horn loudspeakers reproduce little below a few hundred hertz.</summary>
    public const int MinFrequencyHz = 100;

    /// <summary>Highest frequency: well inside what 48 kHz carries and what a horn reproduces.</summary>
    public const int MaxFrequencyHz = 8_000;

    /// <summary>Shortest tone: shorter is a click, not a test.</summary>
    public const int MinDurationMs = 100;

    /// <summary>Longest tone: a test, not a broadcast; a stuck test must end by itself.</summary>
    public const int MaxDurationMs = 60_000;

    /// <summary>Quietest level, in dB below full scale.</summary>
    public const int MinLevelDb = -40;

    /// <summary>The play's id, as its reports and a "stop-play" name it: id shape, never reused.</summary>
    public required string PlayId { get; init; }

    /// <summary>Its priority class; a technician's test is normally "normal", below any broadcast that needs the line.</summary>
    public PriorityClass Class { get; init; } = PriorityClass.Normal;

    /// <summary>Controller-clock instant of its first sample, microseconds since the Unix epoch; absent: as soon as it arrives.</summary>
    public long? StartAtUs { get; init; }

    /// <summary>Its length, in milliseconds, 100–60,000.</summary>
    public required int DurationMs { get; init; }

    /// <summary>Its frequency, in hertz, 100–8,000.</summary>
    public int FrequencyHz { get; init; } = 1_000;

    /// <summary>Its level, in dB relative to full scale, −40 to 0, before the node's volume.</summary>
    public int LevelDb { get; init; } = -6;

    /// <summary>True: it plays in quiet hours too (the signed override of "Priorities").</summary>
    public bool? OverrideQuietHours { get; init; }

    /// <summary><see cref="StartAtUs"/> as an instant, or null.</summary>
    [JsonIgnore]
    public DateTimeOffset? StartAt => StartAtUs is { } us ? DateTimeOffset.UnixEpoch.AddTicks(us * TimeSpan.TicksPerMicrosecond) : null;

    /// <summary><see cref="DurationMs"/> as a duration.</summary>
    [JsonIgnore]
    public TimeSpan Duration => TimeSpan.FromMilliseconds(DurationMs);

    /// <summary><see cref="LevelDb"/> as a linear amplitude, 0.01–1.</summary>
    [JsonIgnore]
    public float Amplitude => (float)Math.Pow(10, LevelDb / 20.0);

    /// <inheritdoc />
    public string? Validate() =>
        !Identifiers.IsValid(PlayId) ? "'playId' must be 1–64 characters of a–z, 0–9 and '-'."
        : !Enum.IsDefined(Class) ? "'class' must be a priority class."
        : StartAtUs is < 0 || StartAtUs > LiveAudioPacketCodec.MaxTimestampMicros ? "'startAtUs' must be microseconds since the Unix epoch."
        : DurationMs is < MinDurationMs or > MaxDurationMs ? $"'durationMs' must be {MinDurationMs}–{MaxDurationMs}, not {DurationMs}."
        : FrequencyHz is < MinFrequencyHz or > MaxFrequencyHz ? $"'frequencyHz' must be {MinFrequencyHz}–{MaxFrequencyHz}, not {FrequencyHz}."
        : LevelDb is < MinLevelDb or > 0 ? $"'levelDb' must be {MinLevelDb}–0, not {LevelDb}."
        : null;
}
