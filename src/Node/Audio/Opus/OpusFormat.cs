namespace SmartLoudspeaker.Node.Audio.Opus;

/// <summary>
/// The one audio format of the loudspeaker path: Opus, mono, 48 kHz, 20 ms frames (docs/protocol.md). Horns carry
/// speech and sirens; stereo would double every link's cost for nothing a listener in the street can hear.
/// </summary>
internal static class OpusFormat
{
    public const int SampleRate = 48_000;
    public const int Channels = 1;
    public const int FrameMilliseconds = 20;
    public const int SamplesPerFrame = SampleRate / 1000 * FrameMilliseconds;

    /// <summary>Opus's own bound on one packet (RFC 6716 §3.4: 1275 bytes of payload per frame).</summary>
    public const int MaxPacketBytes = 1275;
}
