namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>Which ALSA device the node plays on and how much audio the device buffers ahead.</summary>
internal sealed record AlsaSinkOptions
{
    /// <summary>Below this a Pi under load underruns; the playout loop wakes every frame (20 ms) at best.</summary>
    public static readonly TimeSpan MinLatency = TimeSpan.FromMilliseconds(20);

    /// <summary>Above this the announced start and a stop would lag audibly behind the command.</summary>
    public static readonly TimeSpan MaxLatency = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The ALSA PCM name: "default" goes through the plug layer (any card, converts rates and formats);
    /// "hw:0,0" is the card itself; "null" discards everything (tests).
    /// </summary>
    public string Device { get; init; } = "default";

    /// <summary>
    /// The device's buffer length. 60 ms rides out a scheduling hiccup on a loaded Pi while keeping the
    /// buffered audio (what <see cref="IAudioSink.Delay"/> reports, and what a stop cannot take back) short.
    /// </summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>Throws when a setting cannot work, so a bad configuration fails at start, not at the first write.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Device))
        {
            throw new ArgumentException("The ALSA device name is empty.", nameof(Device));
        }

        if (Latency < MinLatency || Latency > MaxLatency)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Latency),
                Latency,
                $"The ALSA latency must be between {MinLatency.TotalMilliseconds} ms and {MaxLatency.TotalMilliseconds} ms.");
        }
    }
}
