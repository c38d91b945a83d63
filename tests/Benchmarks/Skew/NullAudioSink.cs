using SmartLoudspeaker.Node.Audio.Sinks;

namespace SmartLoudspeaker.Benchmarks.Skew;

/// <summary>A device that takes every write at once and holds nothing: what remains of a block's cost is the playout's own.</summary>
internal sealed class NullAudioSink : IAudioSink
{
    public string Name => "null";

    public int Delay => 0;

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, DateTimeOffset? contentInstant, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public void Dispose()
    {
    }
}
