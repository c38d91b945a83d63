namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>
/// Where the node's samples leave it: mono 48 kHz floats in −1…1 (<c>OpusFormat</c>), written in order, paced by the
/// device's own clock. ALSA on a Pi; the virtual DAC in simulation, which also records when each sample came out.
/// One writer (the playout loop) at a time; <see cref="Delay"/> may be read from that same writer between writes.
/// </summary>
internal interface IAudioSink : IDisposable
{
    /// <summary>What the sink is (device name, or "virtual"), for logs and health.</summary>
    string Name { get; }

    /// <summary>
    /// Writes every sample, waiting while the device's buffer is full, so the caller is paced by the device clock.
    /// <paramref name="contentInstant"/> is what the first sample is — the Controller-clock instant it stands for in the
    /// audio (null for silence and untimed audio) — never when it is meant to come out: a virtual DAC logs it beside
    /// the true time the sample did come out, which is where skew is measured.
    /// </summary>
    /// <exception cref="AudioSinkException">The device failed; <see cref="AudioSinkException.Fault"/> says how.</exception>
    ValueTask WriteAsync(ReadOnlyMemory<float> samples, DateTimeOffset? contentInstant, CancellationToken cancellationToken);

    /// <summary>
    /// Samples written but not yet out of the device now: the next sample written comes out this many sample periods
    /// (of the device clock) from now. Zero after an underrun.
    /// </summary>
    int Delay { get; }
}
