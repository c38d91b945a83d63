using SmartLoudspeaker.Node.Audio.Playout;

namespace SmartLoudspeaker.Node.Tests.Audio.Playout;

/// <summary>The timeline maps instants to 48 kHz sample indices exactly, both ways, so nodes agree to the sample.</summary>
public sealed class ControllerTimelineTests
{
    [Fact]
    public void The_epoch_is_sample_zero_and_a_second_is_48000_samples()
    {
        Assert.Equal(0, ControllerTimeline.ToSample(DateTimeOffset.UnixEpoch));
        Assert.Equal(48_000, ControllerTimeline.ToSample(DateTimeOffset.UnixEpoch.AddSeconds(1)));
        Assert.Equal(-48_000, ControllerTimeline.ToSample(DateTimeOffset.UnixEpoch.AddSeconds(-1)));
    }

    [Fact]
    public void An_instant_today_maps_to_the_exact_index_and_back()
    {
        var instant = new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
        var seconds = (long)(instant - DateTimeOffset.UnixEpoch).TotalSeconds;
        var sample = ControllerTimeline.ToSample(instant);
        Assert.Equal(seconds * 48_000, sample);
        Assert.Equal(instant, ControllerTimeline.ToInstant(sample));
        Assert.Equal(instant.AddTicks(208), ControllerTimeline.ToInstant(sample + 1)); // 208.33 ticks rounds down
        Assert.Equal(instant.AddTicks(417), ControllerTimeline.ToInstant(sample + 2)); // 416.67 rounds up
    }

    [Theory]
    [InlineData(104, 0)] // 0.499 sample
    [InlineData(105, 1)] // 0.504 sample
    [InlineData(208, 1)]
    [InlineData(-105, -1)]
    [InlineData(-104, 0)]
    public void Ticks_round_to_the_nearest_sample(long ticks, long expected)
    {
        var baseInstant = new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(ControllerTimeline.ToSample(baseInstant) + expected, ControllerTimeline.ToSample(baseInstant.AddTicks(ticks)));
    }

    [Fact]
    public void Every_sample_index_survives_a_round_trip_through_an_instant()
    {
        var start = ControllerTimeline.ToSample(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
        for (var i = 0L; i < 1000; i++)
        {
            Assert.Equal(start + i, ControllerTimeline.ToSample(ControllerTimeline.ToInstant(start + i)));
        }
    }

    [Fact]
    public void Durations_convert_to_whole_samples()
    {
        Assert.Equal(960, ControllerTimeline.ToSamples(TimeSpan.FromMilliseconds(20)));
        Assert.Equal(24_000, ControllerTimeline.ToSamples(TimeSpan.FromSeconds(0.5)));
        Assert.Equal(TimeSpan.FromMilliseconds(10), ControllerTimeline.ToDuration(480));
    }
}
