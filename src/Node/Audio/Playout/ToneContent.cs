using SmartLoudspeaker.Node.Audio.Opus;

namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>
/// A test tone (a sine) of given frequency, duration and amplitude. Each sample is computed from its position, not by
/// stepping an oscillator, so a read from any position continues the same wave: a resume or a skip is click-free.
/// NAudio's <c>SignalGenerator</c> keeps its own sample counter and cannot start at an arbitrary position, hence this.
/// </summary>
internal sealed class ToneContent : IPlayContent
{
    private readonly double _cyclesPerSample;
    private readonly float _amplitude;

    public ToneContent(double frequency, TimeSpan duration, float amplitude)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequency);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frequency, OpusFormat.SampleRate / 2.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(amplitude);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(amplitude, 1f);
        _cyclesPerSample = frequency / OpusFormat.SampleRate;
        _amplitude = amplitude;
        Length = ControllerTimeline.ToSamples(duration);
    }

    /// <summary>Samples in the tone.</summary>
    public long Length { get; }

    public int Read(long position, Span<float> output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        var count = (int)Math.Clamp(Length - position, 0, output.Length);
        for (var i = 0; i < count; i++)
        {
            // Only the fraction of a cycle matters; taking it before the sine keeps precision hours into a tone.
            var cycles = _cyclesPerSample * (position + i);
            var phase = cycles - Math.Floor(cycles);
            output[i] = (float)(_amplitude * Math.Sin(2 * Math.PI * phase));
        }

        return count;
    }
}
