using SmartLoudspeaker.Node.Audio.Opus;
using SmartLoudspeaker.Node.Audio.Sinks;

namespace SmartLoudspeaker.Node.Tests.Audio;

/// <summary>
/// The ALSA sink against alsa-lib's "null" device, which takes any stream and discards it without a sound card (and
/// without pacing, so nothing here measures time); a missing card is refused with ALSA's own words; errors are sorted
/// into retry / reopen / report; and no sample, however wild, leaves as anything but a clamped 16-bit value.
/// </summary>
public sealed class AlsaSinkTests
{
    private static readonly AlsaSinkOptions NullDevice = new() { Device = "null" };

    [Fact]
    public async Task One_second_of_a_tone_is_written_to_the_null_device()
    {
        using var sink = new AlsaSink(NullDevice);
        var tone = new float[OpusFormat.SampleRate];
        for (var index = 0; index < tone.Length; index++)
        {
            tone[index] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * index / OpusFormat.SampleRate);
        }

        await sink.WriteAsync(tone, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Equal("null", sink.Name);
        Assert.True(sink.Delay >= 0);
    }

    [Fact]
    public async Task Out_of_range_and_NaN_samples_and_odd_lengths_are_written_without_error()
    {
        using var sink = new AlsaSink(NullDevice);
        var wild = new float[OpusFormat.SamplesPerFrame * 3 + 7];
        for (var index = 0; index < wild.Length; index++)
        {
            wild[index] = (index % 4) switch { 0 => 5f, 1 => -7f, 2 => float.NaN, _ => float.PositiveInfinity };
        }

        await sink.WriteAsync(wild, null, CancellationToken.None);
        await sink.WriteAsync(ReadOnlyMemory<float>.Empty, null, CancellationToken.None);

        Assert.True(sink.Delay >= 0);
    }

    [Fact]
    public async Task A_stream_stopped_under_the_sink_is_prepared_again_and_the_write_goes_on()
    {
        using var sink = new AlsaSink(NullDevice);
        var frame = new float[OpusFormat.SamplesPerFrame];
        await sink.WriteAsync(frame, null, CancellationToken.None);
        var pcm = sink.Pcm!;
        Assert.Equal(0, AlsaNative.PcmDrop(pcm));
        Assert.Equal(-77, (int)AlsaNative.PcmWriteInterleaved(pcm, new short[1], 1)); // EBADFD: not prepared

        await sink.WriteAsync(frame, null, CancellationToken.None);

        Assert.Same(pcm, sink.Pcm);
        Assert.Equal(1, (int)AlsaNative.PcmWriteInterleaved(pcm, new short[1], 1));
    }

    [Fact]
    public async Task Writing_after_dispose_throws_ObjectDisposedException_and_Delay_reads_zero()
    {
        var sink = new AlsaSink(NullDevice);
        sink.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(
            async () => await sink.WriteAsync(new float[OpusFormat.SamplesPerFrame], null, CancellationToken.None));
        Assert.Equal(0, sink.Delay);
        sink.Dispose();
    }

    [Fact]
    public async Task A_cancelled_write_is_a_cancelled_task_not_a_device_fault()
    {
        using var sink = new AlsaSink(NullDevice);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var write = sink.WriteAsync(new float[OpusFormat.SampleRate], null, cancellation.Token);

        Assert.True(write.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await write);
    }

    [Fact]
    public void A_card_that_does_not_exist_is_refused_with_the_device_name_and_ALSAs_error_text()
    {
        var exception = Assert.Throws<AudioSinkException>(() => new AlsaSink(new AlsaSinkOptions { Device = "hw:99" }));

        Assert.Contains(exception.Fault, new[] { AudioSinkFault.DeviceGone, AudioSinkFault.Failed });
        Assert.Contains("\"hw:99\"", exception.Message, StringComparison.Ordinal);
        Assert.Matches(@": [A-Za-z][^()]+ \(-\d+\)\.$", exception.Message);
    }

    [Theory]
    [InlineData(-32, nameof(AudioSinkFault.Xrun))] // EPIPE: underrun
    [InlineData(-19, nameof(AudioSinkFault.DeviceGone))] // ENODEV: unplugged
    [InlineData(-77, nameof(AudioSinkFault.DeviceGone))] // EBADFD: a state prepare could not clear
    [InlineData(-86, nameof(AudioSinkFault.DeviceGone))] // ESTRPIPE: a resume that failed
    [InlineData(-2, nameof(AudioSinkFault.DeviceGone))] // ENOENT: no such card (yet)
    [InlineData(-6, nameof(AudioSinkFault.DeviceGone))] // ENXIO
    [InlineData(-5, nameof(AudioSinkFault.DeviceGone))] // EIO: driver reset
    [InlineData(-16, nameof(AudioSinkFault.Failed))] // EBUSY: another process holds the card
    [InlineData(-22, nameof(AudioSinkFault.Failed))] // EINVAL
    [InlineData(-12, nameof(AudioSinkFault.Failed))] // ENOMEM
    public void Errors_are_sorted_into_retry_reopen_and_report(int error, string expected)
    {
        // The fault travels by name: the enum is internal and a public test method cannot take it.
        Assert.Equal(Enum.Parse<AudioSinkFault>(expected), AlsaSink.ClassifyError(error));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void A_non_negative_return_is_not_an_error_to_classify(int notAnError)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AlsaSink.ClassifyError(notAnError));
    }

    [Fact]
    public void Samples_are_clamped_before_16_bit_so_nothing_wraps_into_noise()
    {
        float[] samples = [0f, 0.25f, -0.25f, 1f, -1f, 1.0001f, 2f, -3f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        var pcm = new short[samples.Length];

        AlsaSink.ToPcm16(samples, pcm);

        Assert.Equal(new short[] { 0, 8192, -8192, 32767, -32767, 32767, 32767, -32767, 32767, -32767, 0 }, pcm);
    }

    [Fact]
    public void Defaults_are_the_default_device_and_60_ms_and_bad_settings_are_refused()
    {
        var defaults = new AlsaSinkOptions();
        Assert.Equal("default", defaults.Device);
        Assert.Equal(TimeSpan.FromMilliseconds(60), defaults.Latency);
        defaults.Validate();

        Assert.Throws<ArgumentException>(() => new AlsaSinkOptions { Device = " " }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlsaSinkOptions { Latency = TimeSpan.FromMilliseconds(5) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlsaSinkOptions { Latency = TimeSpan.FromSeconds(3) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlsaSink(NullDevice with { Latency = TimeSpan.Zero }));
    }
}
