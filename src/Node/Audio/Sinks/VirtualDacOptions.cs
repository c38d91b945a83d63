using SmartLoudspeaker.Node.Audio.Opus;

namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>Where a <see cref="VirtualDacSink"/> records and how deep its buffer is; checked by <see cref="Validate"/>.</summary>
internal sealed record VirtualDacOptions
{
    /// <summary>Default buffer: 100 ms, about what an ALSA device on a Pi is opened with for speech.</summary>
    public static readonly TimeSpan DefaultBufferCapacity = TimeSpan.FromMilliseconds(100);

    /// <summary>Smallest buffer: one 20 ms Opus frame must fit, or a frame-sized write could never be taken whole.</summary>
    public static readonly TimeSpan MinBufferCapacity = TimeSpan.FromMilliseconds(OpusFormat.FrameMilliseconds);

    /// <summary>Largest buffer: beyond seconds the "device" would hide the playout's own pacing from the test.</summary>
    public static readonly TimeSpan MaxBufferCapacity = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The node this DAC belongs to; it names the files (<c>&lt;id&gt;.wav</c>, <c>&lt;id&gt;.timing.csv</c>), so it
    /// must be a plain file name.
    /// </summary>
    public required string NodeId { get; init; }

    /// <summary>
    /// Folder for the WAV file and the timing log; null records in memory only (<see cref="VirtualDacSink.Marks"/>),
    /// for a fleet of simulated nodes that would otherwise write hours of audio each.
    /// </summary>
    public string? OutputFolder { get; init; }

    /// <summary>How much audio the device holds before a write has to wait; 20 ms – 10 s.</summary>
    public TimeSpan BufferCapacity { get; init; } = DefaultBufferCapacity;

    /// <summary><see cref="BufferCapacity"/> in samples at 48 kHz.</summary>
    public int BufferCapacitySamples => (int)Math.Round(BufferCapacity.TotalSeconds * OpusFormat.SampleRate);

    /// <summary>The first problem with these options, or null when they are usable.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(NodeId))
        {
            return "The node id is required: it names the virtual DAC's files.";
        }

        if (NodeId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || NodeId.Contains('/', StringComparison.Ordinal)
            || NodeId.Contains('\\', StringComparison.Ordinal) || NodeId is "." or "..")
        {
            return $"The node id '{NodeId}' is not a plain file name.";
        }

        if (OutputFolder is not null && string.IsNullOrWhiteSpace(OutputFolder))
        {
            return "The output folder, when given, must not be blank.";
        }

        if (BufferCapacity < MinBufferCapacity || BufferCapacity > MaxBufferCapacity)
        {
            return $"The buffer capacity must be within {MinBufferCapacity.TotalMilliseconds} ms – {MaxBufferCapacity.TotalSeconds} s.";
        }

        return null;
    }
}
