using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Audio.Sinks;

namespace SmartLoudspeaker.Node.Tests.Audio.Playout;

/// <summary>
/// Passes every write on to the real sink and keeps what was written: each timed write under the timeline index its
/// first sample stands for, so a test reads the level the playout put at any timeline sample, and every write in
/// order, so a test sees silence as silence.
/// </summary>
internal sealed class TimelineRecorder(IAudioSink inner) : IAudioSink
{
    private readonly List<(long? FirstIndex, float[] Samples)> _writes = [];

    public string Name => inner.Name;

    public int Delay => inner.Delay;

    /// <summary>Every write so far, in order; a null index is an untimed write (silence).</summary>
    public IReadOnlyList<(long? FirstIndex, float[] Samples)> Writes => _writes;

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, DateTimeOffset? contentInstant, CancellationToken cancellationToken)
    {
        await inner.WriteAsync(samples, contentInstant, cancellationToken);
        _writes.Add((contentInstant is { } instant ? ControllerTimeline.ToSample(instant) : null, samples.ToArray()));
    }

    /// <summary>The level written for timeline sample <paramref name="index"/>, or null when no timed write held it.</summary>
    public float? LevelAt(long index)
    {
        foreach (var (first, samples) in _writes)
        {
            if (first is { } start && index >= start && index < start + samples.Length)
            {
                return samples[index - start];
            }
        }

        return null;
    }

    /// <summary>The first timeline index whose level is not zero, or null when nothing timed sounded.</summary>
    public long? FirstAudibleIndex()
    {
        foreach (var (first, samples) in _writes)
        {
            if (first is not { } start)
            {
                continue;
            }

            var at = Array.FindIndex(samples, s => s != 0f);
            if (at >= 0)
            {
                return start + at;
            }
        }

        return null;
    }

    public void Dispose() => inner.Dispose();
}
