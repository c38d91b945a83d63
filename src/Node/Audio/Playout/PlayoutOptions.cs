namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>Settings of the <see cref="PlayoutEngine"/>.</summary>
internal sealed class PlayoutOptions
{
    /// <summary>The site's cap on <see cref="PlayoutEngine.Volume"/> (0–100).</summary>
    public int MaxVolume { get; init; } = 100;

    /// <summary>
    /// How late a fresh start may begin and still skip what is late to stay in step with the other nodes; later than
    /// this (it waited behind another play) it plays whole from its first sample.
    /// </summary>
    public TimeSpan LateSkipLimit { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Wait between attempts to open a device that is gone.</summary>
    public TimeSpan ReopenDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive xruns on one block before the device is treated as failed and reopened.</summary>
    public int MaxXrunRetries { get; init; } = 3;
}
