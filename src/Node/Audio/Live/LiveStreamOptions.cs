using SmartLoudspeaker.Node.Audio.Opus;

namespace SmartLoudspeaker.Node.Audio.Live;

/// <summary>
/// How one live stream is buffered. The delay is chosen by the Controller per stream, the same for every node, so all
/// horns play a frame at the same instant however far apart their links put its arrival.
/// </summary>
internal sealed record LiveStreamOptions
{
    /// <summary>The default silence that ends a stream: long enough for a speaker's pause, short enough to free the horn.</summary>
    public static readonly TimeSpan DefaultEndAfterSilence = TimeSpan.FromSeconds(5);

    /// <summary>How far beyond the delay a frame may be buffered (the default horizon is delay + this).</summary>
    public static readonly TimeSpan DefaultHorizonBeyondDelay = TimeSpan.FromSeconds(2);

    /// <param name="delay">Play time minus content time: a frame for timeline T plays at T + delay. Zero or more, whole samples.</param>
    public LiveStreamOptions(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Delay = delay;
    }

    /// <summary>Play time minus content time, the same on every node of the stream.</summary>
    public TimeSpan Delay { get; }

    /// <summary>No frame for this long of timeline and the stream has ended.</summary>
    public TimeSpan EndAfterSilence
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = DefaultEndAfterSilence;

    /// <summary>
    /// How far ahead of now (in play time) a frame may be; beyond it is far future. Null means
    /// <see cref="Delay"/> + <see cref="DefaultHorizonBeyondDelay"/>.
    /// </summary>
    public TimeSpan? Horizon
    {
        get;
        init
        {
            if (value is { } horizon)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(horizon, Delay);
            }

            field = value;
        }
    }

    internal long DelaySamples => ToSamples(Delay);

    internal long EndAfterSilenceSamples => ToSamples(EndAfterSilence);

    internal long HorizonSamples => ToSamples(Horizon ?? Delay + DefaultHorizonBeyondDelay);

    /// <summary>Durations become whole 48 kHz samples, rounded down (a tick is 1/10,000,000 s, a sample 208⅓ ticks).</summary>
    internal static long ToSamples(TimeSpan duration) =>
        (long)((Int128)duration.Ticks * OpusFormat.SampleRate / TimeSpan.TicksPerSecond);
}
