using SmartLoudspeaker.Node.Audio.Arbiter;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Tests.Audio.Playout;

/// <summary>
/// The playout engine on a virtual DAC driven by the node's own drifting clock: a play's first sample comes out at its
/// instant in true time, two nodes with different clocks stay in step, a preemption fades out and the new play starts
/// on its sample, silence is untimed, a lost estimate silences timed audio and its return fades back in, and device
/// faults are retried or reopened without stopping the loop.
/// </summary>
public sealed class PlayoutEngineTests
{
    private const float Level = 0.5f;

    /// <summary>
    /// Four samples at 48 kHz (83 µs). Rounding costs a sample; the rest is the device delay: the engine counts the
    /// DAC's 100 ms buffer in device samples, which on a crystal 500 ppm off are 50 µs longer or shorter in true time.
    /// </summary>
    private static readonly TimeSpan FourSamples = TimeSpan.FromTicks(833);

    private static readonly DateTimeOffset Due = PlayoutRig.Start + TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1.3, 80)]
    [InlineData(-2, -300)]
    [InlineData(5, 500)]
    public async Task A_play_first_sounds_on_its_instant_in_true_time_whatever_the_node_clock(double offsetSeconds, double driftPpm)
    {
        using var rig = new PlayoutRig(TimeSpan.FromSeconds(offsetSeconds), driftPpm);
        rig.Engine.Submit(Play("tone", PriorityClass.Normal, Due), new ConstantContent(Level, 48_000));

        await rig.RunUntilAsync(Due + TimeSpan.FromSeconds(0.5));

        Assert.Equal(ControllerTimeline.ToSample(Due), rig.Recorder.FirstAudibleIndex());
        var emitted = rig.Dac.TrueEmitTimeOf(Due);
        Assert.NotNull(emitted);
        Assert.InRange((emitted.Value - Due).Duration(), TimeSpan.Zero, FourSamples);
        Assert.Equal([PlayReportKind.Started], rig.Reports.Select(r => r.Kind));
    }

    [Fact]
    public async Task Two_nodes_500_ppm_apart_still_agree_to_four_samples_after_a_minute_of_tone()
    {
        var fast = new PlayoutRig(TimeSpan.FromSeconds(1.5), driftPpm: 250);
        using var slow = new PlayoutRig(TimeSpan.FromSeconds(-1.5), driftPpm: -250);
        using (fast)
        {
            var tone = Play("tone", PriorityClass.Normal, Due) with { Duration = TimeSpan.FromSeconds(70) };
            fast.Engine.Submit(tone, new ToneContent(1000, TimeSpan.FromSeconds(70), 0.5f));
            slow.Engine.Submit(tone, new ToneContent(1000, TimeSpan.FromSeconds(70), 0.5f));
            var end = Due + TimeSpan.FromSeconds(62);
            await Task.WhenAll(fast.RunUntilAsync(end), slow.RunUntilAsync(end));

            // Uncorrected, 500 ppm apart over 60 s would be 30 ms (1,440 samples) apart.
            foreach (var second in new[] { 1, 30, 60 })
            {
                var instant = Due + TimeSpan.FromSeconds(second);
                var onFast = fast.Dac.TrueEmitTimeOf(instant);
                var onSlow = slow.Dac.TrueEmitTimeOf(instant);
                Assert.NotNull(onFast);
                Assert.NotNull(onSlow);
                Assert.InRange((onFast.Value - onSlow.Value).Duration(), TimeSpan.Zero, FourSamples);
                Assert.InRange((onFast.Value - instant).Duration(), TimeSpan.Zero, FourSamples);
            }

            Assert.Equal(0, fast.Dac.Underruns);
            Assert.Equal(0, slow.Dac.Underruns);
        }
    }

    [Fact]
    public async Task An_emergency_fades_the_bulletin_out_and_starts_on_its_own_sample()
    {
        using var rig = new PlayoutRig(TimeSpan.FromSeconds(0.7), driftPpm: 40);
        rig.Engine.Submit(Play("bulletin", PriorityClass.Normal, Due), new ConstantContent(0.25f, 480_000));
        var alarmAt = Due + TimeSpan.FromSeconds(1);
        rig.Engine.Submit(Play("alarm", PriorityClass.Emergency, alarmAt), new ConstantContent(Level, 48_000));

        await rig.RunUntilAsync(alarmAt + TimeSpan.FromSeconds(0.5));

        var alarm = ControllerTimeline.ToSample(alarmAt);
        Assert.Equal(Level / FadeGain.Samples, rig.Recorder.LevelAt(alarm));
        Assert.Equal(Level, rig.Recorder.LevelAt(alarm + FadeGain.Samples));
        Assert.Equal(0f, rig.Recorder.LevelAt(alarm - 1));

        // The bulletin's fade-out: full level, then down to nothing over 960 samples, all before the alarm's sample.
        var fadeStart = LastIndexAtLevel(rig.Recorder, alarm, 0.25f) + 1;
        Assert.InRange(alarm - fadeStart, FadeGain.Samples, FadeGain.Samples + PlayoutEngine.BlockSamples + FadeGain.Samples);
        for (var k = 0; k < FadeGain.Samples; k++)
        {
            Assert.Equal(0.25f * FadeGain.Out(k), rig.Recorder.LevelAt(fadeStart + k));
        }

        Assert.Equal(
            [(PlayReportKind.Started, "bulletin"), (PlayReportKind.Preempted, "bulletin"), (PlayReportKind.Started, "alarm")],
            rig.Reports.Select(r => (r.Kind, r.PlayId)));
        Assert.Equal("alarm", rig.Reports[1].By);
    }

    [Fact]
    public async Task A_play_that_ends_reports_finished_and_the_loudspeaker_gets_untimed_silence()
    {
        using var rig = new PlayoutRig(TimeSpan.Zero, driftPpm: 0);
        rig.Engine.Submit(Play("short", PriorityClass.Normal, Due), new ConstantContent(Level, 4_800));

        await rig.RunUntilAsync(Due + TimeSpan.FromSeconds(1));

        Assert.Equal([PlayReportKind.Started, PlayReportKind.Finished], rig.Reports.Select(r => r.Kind));
        Assert.Equal(ControllerTimeline.ToSample(Due) + 4_800, LastAudibleIndex(rig.Recorder) + 1);
        var afterwards = rig.Recorder.Writes.TakeLast(20).ToList();
        Assert.All(afterwards, w => Assert.Null(w.FirstIndex));
        Assert.All(afterwards, w => Assert.All(w.Samples, s => Assert.Equal(0f, s)));
    }

    [Fact]
    public async Task Without_a_clock_estimate_nothing_timed_sounds_and_its_return_fades_in_at_the_timeline_position()
    {
        using var rig = new PlayoutRig(TimeSpan.FromSeconds(-1), driftPpm: -60);
        rig.Engine.Submit(Play("tone", PriorityClass.Normal, Due), new ConstantContent(Level, 480_000));
        await rig.RunUntilAsync(Due + TimeSpan.FromSeconds(1));

        rig.ControllerTime.Lost = true;
        var writesBefore = rig.Recorder.Writes.Count;
        await rig.RunUntilAsync(Due + TimeSpan.FromSeconds(2));
        var whileLost = rig.Recorder.Writes.Skip(writesBefore).ToList();
        Assert.True(whileLost.Count > 50);
        Assert.All(whileLost.Skip(2), w => Assert.Null(w.FirstIndex));

        rig.ControllerTime.Lost = false;
        var back = rig.Recorder.Writes.Count;
        await rig.RunUntilAsync(Due + TimeSpan.FromSeconds(3));
        var returned = rig.Recorder.Writes.Skip(back).First(w => w.FirstIndex is not null);
        var onTimeline = returned.FirstIndex!.Value - ControllerTimeline.ToSample(Due);
        Assert.InRange(ControllerTimeline.ToDuration(onTimeline), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.2));
        Assert.Equal(Level * FadeGain.In(0), returned.Samples[0]);
        Assert.DoesNotContain(PlayReportKind.Finished, rig.Reports.Select(r => r.Kind));
    }

    [Fact]
    public async Task An_xrun_is_retried_on_the_same_device_and_a_vanished_device_is_reopened()
    {
        using var rig = new PlayoutRig(TimeSpan.Zero, driftPpm: 0);
        rig.Engine.Submit(Play("tone", PriorityClass.Normal, Due), new ConstantContent(Level, 480_000));
        await rig.OpenAsync();

        rig.Faults.FailNextWrite(AudioSinkFault.Xrun);
        await rig.RunBlocksAsync(1);
        Assert.Equal([AudioSinkFault.Xrun], rig.SinkFaults);
        Assert.Single(rig.Opened);
        Assert.Equal(2, rig.Recorder.Writes.Count);

        rig.Faults.FailNextWrite(AudioSinkFault.DeviceGone);
        rig.DeviceMissing = true;
        await rig.RunBlocksAsync(3);
        Assert.Equal([AudioSinkFault.Xrun, AudioSinkFault.DeviceGone, AudioSinkFault.DeviceGone, AudioSinkFault.DeviceGone], rig.SinkFaults);

        rig.DeviceMissing = false;
        await rig.RunUntilAsync(Due + TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, rig.Opened.Count);
        Assert.Equal(ControllerTimeline.ToSample(Due), rig.Opened[1].FirstAudibleIndex());
    }

    [Fact]
    public async Task Volume_scales_the_output_by_its_decibel_gain_and_the_site_maximum_caps_it()
    {
        using var rig = new PlayoutRig(TimeSpan.Zero, driftPpm: 0, options: new PlayoutOptions { MaxVolume = 80 });
        rig.Engine.Volume = 100;
        rig.Engine.Submit(Play("tone", PriorityClass.Normal, Due), new ConstantContent(Level, 480_000));

        await rig.RunUntilAsync(Due + TimeSpan.FromSeconds(0.5));

        var steady = ControllerTimeline.ToSample(Due) + FadeGain.Samples + PlayoutEngine.BlockSamples;
        Assert.Equal(Level * SoftwareVolume.Gain(80, 100), rig.Recorder.LevelAt(steady)!.Value, 6);
    }

    private static PlayRequest Play(string id, PriorityClass priority, DateTimeOffset startAt) =>
        new(id, priority, startAt, WindowEnd: null, ResumesFromCutPoint: true);

    private static long LastIndexAtLevel(TimelineRecorder recorder, long before, float level)
    {
        var index = before - 1;
        while (recorder.LevelAt(index) is { } value && value != level)
        {
            index--;
        }

        return index;
    }

    private static long LastAudibleIndex(TimelineRecorder recorder)
    {
        var (first, samples) = recorder.Writes.Last(w => w.FirstIndex is not null && w.Samples.Any(s => s != 0f));
        return first!.Value + Array.FindLastIndex(samples, s => s != 0f);
    }
}
