using SmartLoudspeaker.Node.Audio.Playout;

namespace SmartLoudspeaker.Node.Tests.Audio.Playout;

/// <summary>The tone is the same wave from any position, bounded by its amplitude, and ends at its duration.</summary>
public sealed class ToneContentTests
{
    [Fact]
    public void A_read_from_any_position_continues_the_same_wave()
    {
        var tone = new ToneContent(1000, TimeSpan.FromSeconds(1), 0.5f);
        var whole = new float[1000];
        Assert.Equal(1000, tone.Read(0, whole));
        var part = new float[300];
        Assert.Equal(300, tone.Read(437, part));
        for (var i = 0; i < part.Length; i++)
        {
            Assert.Equal(whole[437 + i], part[i], 6);
        }
    }

    [Fact]
    public void It_is_a_sine_of_its_frequency_and_amplitude()
    {
        var tone = new ToneContent(1000, TimeSpan.FromSeconds(1), 0.5f);
        var samples = new float[48];
        tone.Read(0, samples);
        Assert.Equal(0f, samples[0], 6);
        Assert.Equal(0.5f, samples[12], 5); // a quarter of a 1 kHz cycle is 12 samples
        Assert.Equal(-0.5f, samples[36], 5);
        Assert.All(samples, s => Assert.InRange(s, -0.5f, 0.5f));
    }

    [Fact]
    public void It_ends_at_its_duration()
    {
        var tone = new ToneContent(440, TimeSpan.FromMilliseconds(100), 1f);
        Assert.Equal(4800, tone.Length);
        var buffer = new float[480];
        Assert.Equal(480, tone.Read(4320, buffer));
        Assert.Equal(100, tone.Read(4700, buffer));
        Assert.Equal(0, tone.Read(4800, buffer));
        Assert.Equal(0, tone.Read(10_000, buffer));
    }

    [Fact]
    public void An_amplitude_above_full_scale_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ToneContent(1000, TimeSpan.FromSeconds(1), 1.5f));
    }
}
