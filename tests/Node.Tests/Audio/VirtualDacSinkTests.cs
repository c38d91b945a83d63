using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using NAudio.Wave;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Simulation;

namespace SmartLoudspeaker.Node.Tests.Audio;

/// <summary>
/// The virtual DAC: it consumes at 48 kHz of the node's crystal, records emission in true time (the offset moves
/// node readings, not the real instant), drains, underruns and restarts, paces a writer while full, and leaves a WAV
/// file of exactly what was written plus a timing log.
/// </summary>
public sealed class VirtualDacSinkTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Content = new(2026, 12, 4, 7, 59, 58, TimeSpan.Zero);

    private readonly FakeTimeProvider _truth = new(Start);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "virtual-dac-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_node_clock_100_ppm_fast_consumes_48004_8_samples_per_true_second()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 100);
        using var dac = Dac(clock, TimeSpan.FromSeconds(3));
        await dac.WriteAsync(new float[144_000], null, CancellationToken.None);

        _truth.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(144_000 - 48_004, dac.Delay);
        _truth.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(144_000 - 96_009, dac.Delay);
    }

    [Fact]
    public async Task From_idle_the_first_sample_comes_out_at_the_true_time_of_the_write()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.FromSeconds(2), driftPpm: 100);
        using var dac = Dac(clock);
        _truth.Advance(TimeSpan.FromSeconds(37.5));

        await dac.WriteAsync(new float[960], Content, CancellationToken.None);

        var mark = Assert.Single(dac.Marks);
        Assert.InRange((mark.TrueEmitTime - _truth.GetUtcNow()).Duration(), TimeSpan.Zero, TimeSpan.FromTicks(1));
        Assert.Equal(clock.GetUtcNow(), mark.NodeEmitTime);
        Assert.Equal(Content, mark.ContentInstant);
        Assert.Equal(0, mark.SampleIndex);
        Assert.Equal(960, mark.SampleCount);
    }

    [Fact]
    public async Task The_offset_moves_node_readings_but_not_the_true_emission()
    {
        var exact = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        var ahead = new SimulatedNodeClock(_truth, TimeSpan.FromSeconds(2), driftPpm: 0);
        using var onExact = Dac(exact);
        using var onAhead = Dac(ahead, nodeId: "ahead");
        _truth.Advance(TimeSpan.FromSeconds(5));

        foreach (var dac in new[] { onExact, onAhead })
        {
            await dac.WriteAsync(new float[960], Content, CancellationToken.None);
            await dac.WriteAsync(new float[960], Content + TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }

        var expected = Start + TimeSpan.FromMilliseconds(5020);
        Assert.Equal(expected, onExact.Marks[1].TrueEmitTime);
        Assert.Equal(expected, onAhead.Marks[1].TrueEmitTime);
        Assert.Equal(TimeSpan.FromSeconds(2), onAhead.Marks[1].NodeEmitTime - onExact.Marks[1].NodeEmitTime);
    }

    [Fact]
    public async Task Delay_falls_as_the_device_plays_and_stays_at_zero_once_dry()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        using var dac = Dac(clock);
        Assert.Equal(0, dac.Delay);

        await dac.WriteAsync(new float[4800], null, CancellationToken.None);
        Assert.Equal(4800, dac.Delay);
        _truth.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(2400, dac.Delay);
        _truth.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal(48, dac.Delay);
        _truth.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(0, dac.Delay);
    }

    [Fact]
    public async Task Writes_in_time_play_back_to_back_and_a_late_one_restarts_playback_at_its_own_time()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        using var dac = Dac(clock);

        await dac.WriteAsync(new float[960], Content, CancellationToken.None);
        _truth.Advance(TimeSpan.FromMilliseconds(10));
        await dac.WriteAsync(new float[960], Content + TimeSpan.FromMilliseconds(20), CancellationToken.None);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(20), dac.Marks[1].TrueEmitTime);
        Assert.Equal(0, dac.Underruns);

        _truth.Advance(TimeSpan.FromMilliseconds(45));
        Assert.Equal(0, dac.Delay);
        await dac.WriteAsync(new float[960], Content + TimeSpan.FromMilliseconds(40), CancellationToken.None);

        Assert.Equal(1, dac.Underruns);
        Assert.Equal(960, dac.Delay);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(55), dac.Marks[2].TrueEmitTime);
        Assert.Equal(1920, dac.Marks[2].SampleIndex);
    }

    [Fact]
    public async Task A_write_waits_while_the_buffer_is_full_and_resumes_when_the_device_clock_has_played_enough()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: -200);
        using var dac = Dac(clock);
        await dac.WriteAsync(new float[4800], Content, CancellationToken.None);

        var pending = dac.WriteAsync(new float[960], Content + TimeSpan.FromMilliseconds(100), CancellationToken.None).AsTask();
        Assert.False(pending.IsCompleted);

        // 960 samples of room need 20 ms of the node's clock: 200 040.008 ticks of true time at −200 ppm, rounded up. The wait is
        // registered before WriteAsync returns, so advancing the fake clock is enough to release it.
        _truth.Advance(TimeSpan.FromTicks(200_040));
        Assert.False(pending.IsCompleted);
        _truth.Advance(TimeSpan.FromTicks(1));
        await pending.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        Assert.Equal(5760, dac.WrittenSamples);
        Assert.Equal(clock.ToTrueTime(clock.ToNodeTime(Start) + TimeSpan.FromMilliseconds(100)), dac.Marks[1].TrueEmitTime);
        Assert.Equal(0, dac.Underruns);
    }

    [Fact]
    public async Task A_write_resumed_after_the_buffer_ran_dry_is_marked_again_from_its_restart()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        using var dac = Dac(clock);

        var pending = dac.WriteAsync(new float[4800 + 960], Content, CancellationToken.None).AsTask();
        Assert.False(pending.IsCompleted);
        _truth.Advance(TimeSpan.FromMilliseconds(200));
        await pending.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);

        Assert.Equal(2, dac.Marks.Count);
        Assert.Equal(new VirtualDacMark(0, 4800, Content, Start, Start), dac.Marks[0]);
        var rest = dac.Marks[1];
        Assert.Equal(4800, rest.SampleIndex);
        Assert.Equal(960, rest.SampleCount);
        Assert.Equal(Content + TimeSpan.FromMilliseconds(100), rest.ContentInstant);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(200), rest.TrueEmitTime);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(210), dac.TrueEmitTimeOf(Content + TimeSpan.FromMilliseconds(110)));
    }

    [Fact]
    public async Task The_true_emission_of_a_content_instant_is_interpolated_within_its_write()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.FromSeconds(-1), driftPpm: 250);
        using var dac = Dac(clock);
        await dac.WriteAsync(new float[960], Content, CancellationToken.None);
        await dac.WriteAsync(new float[960], null, CancellationToken.None);
        await dac.WriteAsync(new float[960], Content + TimeSpan.FromMilliseconds(40), CancellationToken.None);

        // 50 ms into the content is 10 ms into the third write, which began 40 ms of node time after the first.
        var expected = clock.ToTrueTime(clock.ToNodeTime(Start) + TimeSpan.FromMilliseconds(50));
        Assert.Equal(expected, dac.TrueEmitTimeOf(Content + TimeSpan.FromMilliseconds(50)));
        Assert.Equal(Start + TimeSpan.FromTicks((long)Math.Round(500_000 / 1.00025)), expected);
        Assert.Equal(Start, dac.TrueEmitTimeOf(Content));

        Assert.Null(dac.TrueEmitTimeOf(Content - TimeSpan.FromTicks(1)));
        Assert.Null(dac.TrueEmitTimeOf(Content + TimeSpan.FromMilliseconds(30)));
        Assert.Null(dac.TrueEmitTimeOf(Content + TimeSpan.FromMilliseconds(60)));
    }

    [Fact]
    public async Task Content_played_twice_is_found_where_it_first_came_out()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        using var dac = Dac(clock);
        await dac.WriteAsync(new float[960], Content + TimeSpan.FromMilliseconds(20), CancellationToken.None);
        await dac.WriteAsync(new float[960], Content, CancellationToken.None);
        await dac.WriteAsync(new float[960], Content + TimeSpan.FromMilliseconds(20), CancellationToken.None);

        Assert.Equal(Start + TimeSpan.FromMilliseconds(5), dac.TrueEmitTimeOf(Content + TimeSpan.FromMilliseconds(25)));
        Assert.Equal(Start + TimeSpan.FromMilliseconds(25), dac.TrueEmitTimeOf(Content + TimeSpan.FromMilliseconds(5)));
    }

    [Fact]
    public async Task The_wav_file_holds_exactly_the_samples_written_and_the_log_one_line_per_timed_write()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.FromSeconds(3), driftPpm: -50);
        var random = new Random(12);
        var written = new List<float>();
        string wavPath, logPath;
        using (var dac = Dac(clock, TimeSpan.FromSeconds(1), folder: _folder, nodeId: "node-7"))
        {
            for (var write = 0; write < 5; write++)
            {
                var frame = new float[960];
                for (var i = 0; i < frame.Length; i++)
                {
                    frame[i] = (float)((random.NextDouble() * 2) - 1);
                }

                written.AddRange(frame);
                DateTimeOffset? instant = write == 2 ? null : Content + TimeSpan.FromMilliseconds(20 * write);
                await dac.WriteAsync(frame, instant, CancellationToken.None);
            }

            wavPath = dac.WavPath!;
            logPath = dac.TimingLogPath!;
        }

        Assert.Equal(Path.Combine(_folder, "node-7.wav"), wavPath);
        using (var reader = new WaveFileReader(wavPath))
        {
            Assert.Equal(WaveFormatEncoding.IeeeFloat, reader.WaveFormat.Encoding);
            Assert.Equal(48_000, reader.WaveFormat.SampleRate);
            Assert.Equal(1, reader.WaveFormat.Channels);
            Assert.Equal(written.Count, reader.SampleCount);
            var back = new float[written.Count + 100];
            var provider = reader.ToSampleProvider();
            var read = 0;
            int got;
            while ((got = provider.Read(back.AsSpan(read))) > 0)
            {
                read += got;
            }

            Assert.Equal(written, back.AsSpan(0, read).ToArray());
        }

        var lines = File.ReadAllLines(logPath);
        Assert.Equal("sampleIndex,contentInstantUtc,trueEmitUtc", lines[0]);
        Assert.Equal(5, lines.Length);
        var fourth = lines[3].Split(',');
        Assert.Equal("2880", fourth[0]);
        Assert.Equal(Content + TimeSpan.FromMilliseconds(60), DateTimeOffset.Parse(fourth[1], CultureInfo.InvariantCulture));
        var expectedEmit = clock.ToTrueTime(clock.ToNodeTime(Start) + TimeSpan.FromMilliseconds(60));
        Assert.Equal(expectedEmit.ToString("O", CultureInfo.InvariantCulture), fourth[2]);
    }

    [Fact]
    public async Task A_write_cancelled_while_waiting_keeps_what_it_had_put_in()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        using var dac = Dac(clock);
        using var cancel = new CancellationTokenSource();

        var pending = dac.WriteAsync(new float[6000], null, cancel.Token).AsTask();
        Assert.False(pending.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System));
        Assert.Equal(4800, dac.WrittenSamples);
    }

    [Fact]
    public async Task A_disposed_dac_refuses_writes()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        var dac = Dac(clock);
        dac.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => dac.WriteAsync(new float[1], null, CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData("", 100)]
    [InlineData("../escape", 100)]
    [InlineData("node-1", 19)]
    [InlineData("node-1", 10_001)]
    public void Unusable_options_are_refused(string nodeId, int capacityMilliseconds)
    {
        var options = new VirtualDacOptions { NodeId = nodeId, BufferCapacity = TimeSpan.FromMilliseconds(capacityMilliseconds) };
        Assert.NotNull(options.Validate());
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        Assert.Throws<ArgumentException>(() => new VirtualDacSink(options, clock));
    }

    [Fact]
    public void The_default_buffer_is_100_ms_of_4800_samples()
    {
        var options = new VirtualDacOptions { NodeId = "node-1" };
        Assert.Null(options.Validate());
        Assert.Equal(4800, options.BufferCapacitySamples);
    }

    private static VirtualDacSink Dac(SimulatedNodeClock clock, TimeSpan? capacity = null, string? folder = null, string nodeId = "node-1") =>
        new(new VirtualDacOptions
        {
            NodeId = nodeId,
            OutputFolder = folder,
            BufferCapacity = capacity ?? VirtualDacOptions.DefaultBufferCapacity,
        },
        clock);

    [Fact]
    public async Task Ten_minutes_of_idle_silence_are_one_mark_so_an_idle_node_holds_no_growing_record()
    {
        var clock = new SimulatedNodeClock(_truth, TimeSpan.Zero, driftPpm: 0);
        using var dac = Dac(clock);
        var block = new float[480];

        // Off the test's synchronisation context, so the DAC's wait completes inside Advance; time passes only while
        // the full buffer makes a write wait, so it never runs dry.
        await Task.Run(async () =>
        {
            async Task WriteAsync(DateTimeOffset? content)
            {
                var write = dac.WriteAsync(block, content, CancellationToken.None);
                while (!write.IsCompleted)
                {
                    _truth.Advance(TimeSpan.FromMilliseconds(10));
                }

                await write;
            }

            for (var i = 0; i < 60_000; i++)
            {
                await WriteAsync(null);
            }

            await WriteAsync(Content);
            await WriteAsync(null);
        });

        Assert.Equal(3, dac.Marks.Count);
        Assert.Equal(60_000L * 480, dac.Marks[0].SampleCount);
        Assert.Equal(Content, dac.Marks[1].ContentInstant);
        Assert.Null(dac.Marks[2].ContentInstant);
    }
}
