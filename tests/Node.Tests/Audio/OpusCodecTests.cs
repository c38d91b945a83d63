using SmartLoudspeaker.Node.Audio.Opus;

namespace SmartLoudspeaker.Node.Tests.Audio;

/// <summary>
/// The Opus seam: Debian's libopus is used when present (scripts/test.sh installs libopus-dev, as a node's set-up
/// does), a tone survives the round trip
/// at 24 kb/s, a lost frame is concealed or rebuilt from the next packet's redundancy without a burst, and bad input
/// is refused with a clear exception.
/// </summary>
public sealed class OpusCodecTests
{
    private const double ToneHz = 440;
    private const float ToneAmplitude = 0.5f;

    [Fact]
    public void Debians_libopus_is_found_and_both_directions_use_it()
    {
        using var encoder = new OpusFrameEncoder();
        using var decoder = new OpusFrameDecoder();
        Assert.True(encoder.IsNative);
        Assert.True(decoder.IsNative);
    }

    [Fact]
    public void A_tone_keeps_its_pitch_and_level_through_24_kbps()
    {
        var decoded = RoundTrip(seconds: 1, out _);

        // Skip the first 100 ms: the codec's start-up and look-ahead.
        var settled = decoded.AsSpan(OpusFormat.SampleRate / 10);
        Assert.InRange(Rms(settled), Rms(Tone(0, settled.Length)) * 0.7, Rms(Tone(0, settled.Length)) * 1.3);
        var crossingsPerSecond = ZeroCrossings(settled) * (double)OpusFormat.SampleRate / settled.Length;
        Assert.InRange(crossingsPerSecond, 2 * ToneHz * 0.97, 2 * ToneHz * 1.03);
    }

    [Fact]
    public void A_lost_frame_is_rebuilt_from_the_next_packets_redundancy_or_concealed_never_a_burst()
    {
        RoundTrip(seconds: 1, out var packets);
        using var decoder = new OpusFrameDecoder();
        var frame = new float[OpusFormat.SamplesPerFrame];
        for (var index = 0; index < 25; index++)
        {
            decoder.Decode(packets[index], frame);
        }

        // Packet 25 is lost; 26 is at hand and carries 25's redundancy.
        Assert.Equal(OpusFormat.SamplesPerFrame, decoder.Recover(packets[26], frame));
        Assert.InRange(Rms(frame), Rms(Tone(0, frame.Length)) * 0.25, Rms(Tone(0, frame.Length)) * 1.5);
        Assert.All(frame, sample => Assert.InRange(sample, -1f, 1f));
        decoder.Decode(packets[26], frame);

        // Two lost in a row and nothing at hand: concealment, bounded, fading rather than bursting.
        Assert.Equal(OpusFormat.SamplesPerFrame, decoder.Conceal(frame));
        Assert.All(frame, sample => Assert.True(float.IsFinite(sample) && Math.Abs(sample) <= 1f));
        Assert.True(Rms(frame) <= Rms(Tone(0, frame.Length)) * 1.5);
    }

    [Fact]
    public void Bad_packets_and_short_frames_are_refused_clearly()
    {
        using var decoder = new OpusFrameDecoder();
        var frame = new float[OpusFormat.SamplesPerFrame];
        Assert.Throws<InvalidDataException>(() => decoder.Decode([], frame));
        Assert.Throws<InvalidDataException>(() => decoder.Decode(new byte[OpusFormat.MaxPacketBytes + 1], frame));
        Assert.Throws<ArgumentException>(() => decoder.Decode([0xF8, 0xFF, 0xFE], new float[10]));

        using var encoder = new OpusFrameEncoder();
        Assert.Throws<ArgumentException>(() => encoder.Encode(new float[100], new byte[OpusFormat.MaxPacketBytes]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusFrameEncoder(bitrate: 1_000));
    }

    private static float[] RoundTrip(int seconds, out List<byte[]> packets)
    {
        using var encoder = new OpusFrameEncoder();
        using var decoder = new OpusFrameDecoder();
        var frames = seconds * 1000 / OpusFormat.FrameMilliseconds;
        var decoded = new float[frames * OpusFormat.SamplesPerFrame];
        var buffer = new byte[OpusFormat.MaxPacketBytes];
        packets = [];
        for (var index = 0; index < frames; index++)
        {
            var length = encoder.Encode(Tone(index * OpusFormat.SamplesPerFrame, OpusFormat.SamplesPerFrame), buffer);
            Assert.InRange(length, 1, 24_000 / 8 / 50 * 2);
            packets.Add(buffer[..length]);
            Assert.Equal(OpusFormat.SamplesPerFrame, decoder.Decode(packets[^1], decoded.AsSpan(index * OpusFormat.SamplesPerFrame)));
        }

        return decoded;
    }

    private static float[] Tone(int first, int count) =>
        [.. Enumerable.Range(first, count).Select(n => ToneAmplitude * (float)Math.Sin(2 * Math.PI * ToneHz * n / OpusFormat.SampleRate))];

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var sample in samples)
        {
            sum += sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static int ZeroCrossings(ReadOnlySpan<float> samples)
    {
        var crossings = 0;
        for (var index = 1; index < samples.Length; index++)
        {
            if ((samples[index - 1] < 0) != (samples[index] < 0))
            {
                crossings++;
            }
        }

        return crossings;
    }
}
