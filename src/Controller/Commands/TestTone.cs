using System.Globalization;
using System.Security.Cryptography;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Live;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// A technician's test tone, as the node and zone pages send it: what they may choose (length, pitch), checked here so
/// a refusal is told in the technician's words, and when it starts.
/// </summary>
internal static class TestTone
{
    /// <summary>
    /// How long after the Controller's "now" the first sample sounds. Every node addressed, near or far on the 4G link,
    /// must have the command before that instant so that a zone starts on the same sample: 2 s covers a slow link's
    /// delivery and its acknowledgement, and is short enough that the technician standing under a loudspeaker waits for it.
    /// </summary>
    public static readonly TimeSpan StartLead = TimeSpan.FromSeconds(2);

    /// <summary>Shortest test the pages offer, in seconds.</summary>
    public const int MinSeconds = 1;

    /// <summary>Longest test the pages offer, in seconds: the protocol's own maximum.</summary>
    public const int MaxSeconds = PlayToneCommand.MaxDurationMs / 1000;

    /// <summary>The length the form starts with, in seconds.</summary>
    public const int DefaultSeconds = 5;

    /// <summary>The pitch the form starts with, in hertz.</summary>
    public const int DefaultFrequencyHz = 1000;

    /// <summary>What a tone's play id starts with, so reports and logs show what the play was.</summary>
    public const string PlayIdPrefix = "tone-";

    /// <summary>
    /// The command for what the technician typed, or false when a figure is not a whole number in range (the page then
    /// says what is allowed). The play id is new each time: ids are never reused, and a resend keeps the same command.
    /// </summary>
    public static bool TryCreate(string? seconds, string? frequencyHz, DateTimeOffset now, out PlayToneCommand? command)
    {
        command = null;
        if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length is < MinSeconds or > MaxSeconds
            || !int.TryParse(frequencyHz, NumberStyles.None, CultureInfo.InvariantCulture, out var frequency)
            || frequency is < PlayToneCommand.MinFrequencyHz or > PlayToneCommand.MaxFrequencyHz)
        {
            return false;
        }

        var startAt = now + StartLead;
        command = new PlayToneCommand
        {
            PlayId = PlayIdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            StartAtUs = LiveAudioPacket.ToMicros(startAt),
            DurationMs = length * 1000,
            FrequencyHz = frequency,
        };
        return true;
    }
}
