using SmartLoudspeaker.Node.Audio.Live;
using SmartLoudspeaker.Node.Audio.Opus;

namespace SmartLoudspeaker.Node.Tests.Audio.Live;

/// <summary>
/// The jitter buffer on its own, fed the real Opus frames of <see cref="LiveTestStream"/>'s tone: frames play at their
/// timeline sample plus the delay whatever order they came in, a lost frame is rebuilt from the next one's FEC or
/// concealed, a long gap fades out to silence and the sound after it fades in, and the stream ends after its silence.
/// Renders are compared with the stream as it sounds when every frame came in order, or with a bare decoder taken
/// through the decodes and concealments the buffer should make, so a fade is checked against the sound it fades.
/// </summary>
public sealed class LiveJitterBufferTests
{
    private const int FrameSamples = OpusFormat.SamplesPerFrame;
    private const int Frames = 42;
    private const int FirstToneFrame = LiveTestStream.SilentFrames;

    private static readonly LiveTestStream Stream = new(packets: Frames / LiveTestStream.FramesPerPacket);
    private static readonly LiveStreamOptions Options = new(TimeSpan.FromMilliseconds(LiveTestStream.DelayMs));

    /// <summary>The whole stream as it sounds when every frame came in order before the first render.</summary>
    private static readonly float[] Clean = Play(Fed(Enumerable.Range(0, Frames)), 0, Frames);

    private static long T0 => LiveTestStream.FirstSample;

    private static double ToneRms => LiveTestStream.ToneAmplitude / Math.Sqrt(2);

    [Fact]
    public void In_order_frames_play_at_their_timeline_sample_plus_the_delay_with_silence_before_the_first()
    {
        using var buffer = Fed(Enumerable.Range(0, Frames));

        var heard = Play(buffer, -1, Frames + 1);

        Assert.All(heard[..FrameSamples], sample => Assert.Equal(0f, sample));
        var toneFrom = (FirstToneFrame + 1) * FrameSamples;
        var onset = Array.FindIndex(heard, sample => Math.Abs(sample) > 0.05f);
        Assert.InRange(onset, toneFrom + LiveJitterBuffer.CodecDelaySamples - 48, toneFrom + LiveJitterBuffer.CodecDelaySamples + 48);
        Assert.InRange(Rms(heard.AsSpan(toneFrom + FrameSamples, 20 * FrameSamples)), 0.7 * ToneRms, 1.3 * ToneRms);
        Assert.Equal(Frames, buffer.AcceptedFrames);
        Assert.Equal(0, buffer.ConcealedFrames + buffer.RecoveredFrames + buffer.SilencedFrames);
        Assert.Equal(0, buffer.Buffered);
    }

    [Fact]
    public void Frames_arriving_fully_reversed_before_any_render_play_the_whole_stream()
    {
        using var buffer = Fed(Enumerable.Range(0, Frames).Reverse());

        Assert.Equal(Clean, Play(buffer, 0, Frames));
        Assert.Equal(0, buffer.ConcealedFrames + buffer.RecoveredFrames + buffer.SilencedFrames);
    }

    [Fact]
    public void Shuffled_frames_each_sent_twice_sound_exactly_as_the_stream_sent_once_in_order()
    {
        var shuffle = new Random(12);
        using var buffer = new LiveJitterBuffer(Options);
        foreach (var frame in Enumerable.Range(0, Frames).OrderBy(_ => shuffle.Next()).ToList())
        {
            Assert.Equal(FrameOutcome.Accepted, buffer.Accept(Frame(frame), T0));
            Assert.Equal(FrameOutcome.Duplicate, buffer.Accept(Frame(frame), T0));
        }

        Assert.Equal(Clean, Play(buffer, 0, Frames));
        Assert.Equal(Frames, buffer.AcceptedFrames);
        Assert.Equal(Frames, buffer.DuplicateFrames);
    }

    [Fact]
    public void Render_positions_need_not_fall_on_frame_boundaries()
    {
        using var buffer = Fed(Enumerable.Range(0, Frames));
        int[] blocks = [1, 7, 333, FrameSamples, 1500, 959];
        var heard = new float[Clean.Length];

        for (int written = 0, call = 0; written < heard.Length; call++)
        {
            var block = heard.AsSpan(written, Math.Min(blocks[call % blocks.Length], heard.Length - written));
            Assert.Equal(block.Length, buffer.Render(PlayOf(0) + written, block));
            written += block.Length;
        }

        Assert.Equal(Clean, heard);
    }

    [Fact]
    public void A_frame_off_the_first_frames_grid_or_without_usable_bytes_is_malformed()
    {
        using var buffer = Fed([3]);
        var tone = Frame(3);

        Assert.Equal(FrameOutcome.Malformed, buffer.Accept(tone with { TimelineSample = SampleOf(4) + 480 }, T0));
        Assert.Equal(FrameOutcome.Malformed, buffer.Accept(tone with { TimelineSample = SampleOf(1) - 1 }, T0));
        Assert.Equal(FrameOutcome.Malformed, buffer.Accept(Frame(4) with { Opus = ReadOnlyMemory<byte>.Empty }, T0));
        Assert.Equal(FrameOutcome.Malformed, buffer.Accept(Frame(4) with { Opus = new byte[OpusFormat.MaxPacketBytes + 1] }, T0));
        Assert.Equal(FrameOutcome.Malformed, buffer.Accept(Frame(4) with { Index = -1 }, T0));
        Assert.Equal(FrameOutcome.Malformed, buffer.Accept(Frame(4) with { TimelineSample = -FrameSamples }, 0));

        Assert.Equal(6, buffer.MalformedFrames);
        Assert.Equal(1, buffer.AcceptedFrames);
        Assert.Equal(1, buffer.Buffered);
    }

    [Fact]
    public void A_frame_whose_play_time_has_passed_is_late_and_one_due_now_is_not()
    {
        using var buffer = new LiveJitterBuffer(Options);

        Assert.Equal(FrameOutcome.Late, buffer.Accept(Frame(3), PlayOf(3) + 1));
        Assert.Equal(FrameOutcome.Accepted, buffer.Accept(Frame(3), PlayOf(3)));

        Assert.Equal(1, buffer.LateFrames);
        Assert.Equal(1, buffer.Buffered);
    }

    [Fact]
    public void A_frame_whose_slot_was_already_rendered_is_late_even_before_its_play_time()
    {
        using var buffer = Fed(Enumerable.Range(0, 3));
        Play(buffer, 0, 4);

        Assert.Equal(FrameOutcome.Late, buffer.Accept(Frame(3), T0));
        Assert.Equal(FrameOutcome.Late, buffer.Accept(Frame(1), T0));
        Assert.Equal(FrameOutcome.Accepted, buffer.Accept(Frame(4), T0));

        Assert.Equal(2, buffer.LateFrames);
        Assert.Equal(1, buffer.ConcealedFrames);
    }

    [Fact]
    public void A_frame_beyond_the_horizon_is_far_future_and_one_on_it_is_accepted()
    {
        using var narrow = new LiveJitterBuffer(Options with { Horizon = Options.Delay + TimeSpan.FromMilliseconds(100) });
        using var standard = new LiveJitterBuffer(Options);

        Assert.Equal(FrameOutcome.Accepted, narrow.Accept(Frame(0), T0));
        Assert.Equal(FrameOutcome.Accepted, narrow.Accept(Frame(5), T0));
        Assert.Equal(FrameOutcome.FarFuture, narrow.Accept(Frame(6), T0));
        Assert.Equal(FrameOutcome.Accepted, standard.Accept(Frame(0), T0));
        Assert.Equal(FrameOutcome.Accepted, standard.Accept(Frame(0) with { TimelineSample = SampleOf(100) }, T0));
        Assert.Equal(FrameOutcome.FarFuture, standard.Accept(Frame(0) with { TimelineSample = SampleOf(101) }, T0));

        Assert.Equal(1, narrow.FarFutureFrames);
        Assert.Equal(1, standard.FarFutureFrames);
        Assert.Equal(2, narrow.Buffered);
    }

    [Fact]
    public void A_frame_at_the_end_of_the_timeline_is_far_future_not_late()
    {
        using var buffer = Fed([0]);
        var last = long.MaxValue - ((long.MaxValue - T0) % FrameSamples);

        Assert.Equal(FrameOutcome.FarFuture, buffer.Accept(Frame(1) with { TimelineSample = last }, T0));

        Assert.Equal(0, buffer.LateFrames);
    }

    [Fact]
    public void A_lost_frame_whose_successor_is_buffered_is_rebuilt_from_its_FEC_closer_to_the_original_than_concealment()
    {
        const int lost = FirstToneFrame;
        var others = Enumerable.Range(0, Frames).Where(frame => frame != lost).ToList();
        using var recovering = Fed(others);
        using var concealing = Fed(others.Where(frame => frame != lost + 1));

        var recovered = Play(recovering, 0, Frames);
        var concealed = Play(concealing, 0, lost + 1);
        Assert.Equal(FrameOutcome.Accepted, concealing.Accept(Frame(lost + 1), T0));
        concealed = [.. concealed, .. Play(concealing, lost + 1, Frames - lost - 1)];

        var original = Clean.AsSpan(lost * FrameSamples, FrameSamples);
        var recoveredError = Rms(Difference(recovered.AsSpan(lost * FrameSamples, FrameSamples), original));
        var concealedError = Rms(Difference(concealed.AsSpan(lost * FrameSamples, FrameSamples), original));
        Assert.True(recoveredError < 0.5 * concealedError, $"FEC error {recoveredError}, concealment error {concealedError}");
        Assert.Equal((1, 0, 0), (recovering.RecoveredFrames, recovering.ConcealedFrames, recovering.SilencedFrames));
        Assert.Equal((0, 1, 0), (concealing.RecoveredFrames, concealing.ConcealedFrames, concealing.SilencedFrames));
    }

    [Fact]
    public void A_gap_of_five_frames_is_concealed_then_rebuilt_and_the_frame_after_it_plays_unfaded()
    {
        const int gap = 15;
        const int gapFrames = LiveJitterBuffer.ConcealedFramesBeforeFade;
        using var buffer = Fed(Enumerable.Range(0, Frames).Where(frame => frame is < gap or >= gap + gapFrames));

        var heard = Play(buffer, 0, Frames);

        // Four concealed, the last rebuilt from its buffered successor's FEC, then plain decoding.
        var expected = Decoded(
            [.. Decode(0, gap), .. Enumerable.Repeat(Conceal, gapFrames - 1), Recover(gap + gapFrames), .. Decode(gap + gapFrames, Frames)]);
        Assert.InRange(Rms(Slot(heard, gap)), 0.5 * ToneRms, 1.5 * ToneRms);
        AssertClose(expected, heard);
        Assert.Equal((1, 4, 0), (buffer.RecoveredFrames, buffer.ConcealedFrames, buffer.SilencedFrames));
    }

    [Fact]
    public void A_longer_gap_fades_out_on_its_sixth_frame_then_is_silent_and_the_frame_after_it_fades_in()
    {
        const int gap = 15;
        const int gapFrames = 10;
        const int fadeOut = gap + LiveJitterBuffer.ConcealedFramesBeforeFade;
        const int fadeIn = gap + gapFrames;
        using var buffer = Fed(Enumerable.Range(0, Frames).Where(frame => frame is < gap or >= fadeIn));

        var heard = Play(buffer, 0, Frames);

        // Silenced frames do not touch the decoder: the frame after them is decoded straight after the sixth concealment.
        var unfaded = Decoded(
            [.. Decode(0, gap), .. Enumerable.Repeat(Conceal, fadeOut + 1 - gap), .. Enumerable.Repeat(Silence, fadeIn - fadeOut - 1), .. Decode(fadeIn, Frames)]);
        AssertClose(unfaded.AsSpan(0, fadeOut * FrameSamples), heard.AsSpan(0, fadeOut * FrameSamples));
        AssertRamped(Slot(unfaded, fadeOut), Slot(heard, fadeOut), fadeIn: false);
        Assert.All(heard[((fadeOut + 1) * FrameSamples)..(fadeIn * FrameSamples)], sample => Assert.Equal(0f, sample));
        AssertRamped(Slot(unfaded, fadeIn), Slot(heard, fadeIn), fadeIn: true);
        AssertClose(unfaded.AsSpan((fadeIn + 1) * FrameSamples), heard.AsSpan((fadeIn + 1) * FrameSamples));
        Assert.InRange(Rms(Slot(heard, fadeIn + 2)), 0.7 * ToneRms, 1.3 * ToneRms);
        Assert.Equal((0, 6, 4), (buffer.RecoveredFrames, buffer.ConcealedFrames, buffer.SilencedFrames));
    }

    [Fact]
    public void After_a_gap_of_exactly_six_frames_the_next_frame_fades_in_without_any_silence()
    {
        const int gap = 15;
        const int fadeIn = gap + LiveJitterBuffer.ConcealedFramesBeforeFade + 1;
        using var buffer = Fed(Enumerable.Range(0, Frames).Where(frame => frame is < gap or > fadeIn));

        // The successor comes only after the gap's last frame played, so that frame is concealed, not rebuilt.
        var heard = Play(buffer, 0, fadeIn);
        Assert.Equal(FrameOutcome.Accepted, buffer.Accept(Frame(fadeIn), T0));
        heard = [.. heard, .. Play(buffer, fadeIn, Frames - fadeIn)];

        var unfaded = Decoded([.. Decode(0, gap), .. Enumerable.Repeat(Conceal, fadeIn - gap), .. Decode(fadeIn, Frames)]);
        AssertRamped(Slot(unfaded, fadeIn - 1), Slot(heard, fadeIn - 1), fadeIn: false);
        AssertRamped(Slot(unfaded, fadeIn), Slot(heard, fadeIn), fadeIn: true);
        AssertClose(unfaded.AsSpan((fadeIn + 1) * FrameSamples), heard.AsSpan((fadeIn + 1) * FrameSamples));
        Assert.Equal((0, 6, 0), (buffer.RecoveredFrames, buffer.ConcealedFrames, buffer.SilencedFrames));
    }

    [Fact]
    public void An_undecodable_frame_sounds_exactly_as_a_missing_one()
    {
        // A code-3 packet (several frames) whose frame-count byte is missing: Opus refuses it.
        byte[] undecodable = [0xFF];
        int[] broken = [20, 21];
        using var corrupted = new LiveJitterBuffer(Options);
        foreach (var frame in Enumerable.Range(0, Frames))
        {
            var live = broken.Contains(frame) ? Frame(frame) with { Opus = undecodable } : Frame(frame);
            Assert.Equal(FrameOutcome.Accepted, corrupted.Accept(live, T0));
        }

        using var missing = Fed(Enumerable.Range(0, Frames).Except(broken));

        Assert.Equal(Play(missing, 0, Frames), Play(corrupted, 0, Frames));

        // Frame 20's successor is itself undecodable, so 20 is concealed; 21 is rebuilt from 22.
        Assert.Equal((1, 1, 0), (corrupted.RecoveredFrames, corrupted.ConcealedFrames, corrupted.SilencedFrames));
        Assert.Equal((1, 1, 0), (missing.RecoveredFrames, missing.ConcealedFrames, missing.SilencedFrames));
    }

    [Fact]
    public void A_valid_frame_shorter_than_20_ms_plays_whole_and_its_tail_is_concealed()
    {
        const int shortFrame = 20;
        const int shortSamples = FrameSamples / 2;
        var encoder = Concentus.OpusCodecFactory.CreateEncoder(OpusFormat.SampleRate, OpusFormat.Channels, Concentus.Enums.OpusApplication.OPUS_APPLICATION_VOIP);
        var tone = new float[shortSamples];
        for (var index = 0; index < tone.Length; index++)
        {
            tone[index] = LiveTestStream.ToneAmplitude * (float)Math.Sin(2 * Math.PI * LiveTestStream.ToneHz * index / OpusFormat.SampleRate);
        }

        var opus = new byte[OpusFormat.MaxPacketBytes];
        var half = opus[..encoder.Encode(tone, shortSamples, opus, opus.Length)];
        (encoder as IDisposable)?.Dispose();
        using var buffer = new LiveJitterBuffer(Options);
        foreach (var frame in Enumerable.Range(0, Frames))
        {
            var live = frame == shortFrame ? Frame(frame) with { Opus = half } : Frame(frame);
            Assert.Equal(FrameOutcome.Accepted, buffer.Accept(live, T0));
        }

        var heard = Play(buffer, 0, Frames);

        var expected = Decoded(
        [
            .. Decode(0, shortFrame),
            (decoder, pcm) =>
            {
                var tail = new float[FrameSamples];
                Assert.Equal(shortSamples, decoder.Decode(half, pcm));
                decoder.Conceal(tail);
                tail.AsSpan(0, shortSamples).CopyTo(pcm.AsSpan(shortSamples));
                return FrameSamples;
            },
            .. Decode(shortFrame + 1, Frames),
        ]);
        AssertClose(expected, heard);
        Assert.True(MaxAbs(Slot(heard, shortFrame)[shortSamples..]) > 0.05f, "the concealed tail carries the tone on");
        Assert.Equal(0, buffer.ConcealedFrames + buffer.RecoveredFrames + buffer.SilencedFrames);
    }

    [Fact]
    public void The_stream_ends_once_no_frame_came_for_end_after_silence_past_the_last_frames_end()
    {
        using var buffer = Fed(Enumerable.Range(0, 10), Options with { EndAfterSilence = TimeSpan.FromMilliseconds(100) });

        var heard = PlayUntilShort(buffer, PlayOf(0), 1000);

        Assert.Equal((10 * FrameSamples) + 4800, heard.Length);
        Assert.True(buffer.Ended);
        Assert.Equal(0, buffer.Render(PlayOf(0) + heard.Length, new float[FrameSamples]));
        Assert.Equal(FrameOutcome.Late, buffer.Accept(Frame(12), T0));
        Assert.Equal(0, buffer.Buffered);
    }

    [Fact]
    public void A_frame_that_comes_during_the_silence_puts_the_end_back()
    {
        using var buffer = Fed(Enumerable.Range(0, 5), Options with { EndAfterSilence = TimeSpan.FromMilliseconds(100) });
        Play(buffer, 0, 9);

        Assert.Equal(FrameOutcome.Accepted, buffer.Accept(Frame(9), T0));
        var after = PlayUntilShort(buffer, PlayOf(9), 1000);

        Assert.Equal(FrameSamples + 4800, after.Length);
        Assert.True(buffer.Ended);
    }

    [Fact]
    public void With_no_frame_at_all_the_stream_ends_end_after_silence_past_the_first_render()
    {
        using var buffer = new LiveJitterBuffer(Options with { EndAfterSilence = TimeSpan.FromMilliseconds(100) });

        var heard = PlayUntilShort(buffer, PlayOf(7) + 13, 1000);

        Assert.Equal(4800, heard.Length);
        Assert.All(heard, sample => Assert.Equal(0f, sample));
        Assert.True(buffer.Ended);
    }

    [Fact]
    public void A_jump_in_the_playout_drops_the_frames_it_skipped_and_plays_on_from_the_new_slot()
    {
        using var buffer = Fed(Enumerable.Range(0, 30));
        Play(buffer, 0, 2);

        var afterJump = Play(buffer, 20, 5);

        Assert.InRange(Rms(afterJump.AsSpan(FrameSamples)), 0.7 * ToneRms, 1.3 * ToneRms);
        Assert.Equal(30 - 25, buffer.Buffered);
        Assert.Equal(0, buffer.ConcealedFrames + buffer.RecoveredFrames + buffer.SilencedFrames);
    }

    [Fact]
    public void A_first_render_after_the_first_frames_play_time_drops_the_frames_before_it()
    {
        using var buffer = Fed(Enumerable.Range(0, 30));

        var heard = Play(buffer, 10, 2);

        Assert.Equal(30 - 12, buffer.Buffered);
        AssertClose(Decoded([.. Decode(10, 12)]), heard);
        Assert.Equal(0, buffer.ConcealedFrames + buffer.RecoveredFrames + buffer.SilencedFrames);
    }

    [Fact]
    public void Decoded_samples_never_leave_minus_one_to_one()
    {
        // A full-scale square wave: Opus's reconstruction rings past full scale on every edge.
        var packets = new List<byte[]>();
        using (var encoder = new OpusFrameEncoder(bitrate: 64_000))
        {
            var pcm = new float[FrameSamples];
            var opus = new byte[OpusFormat.MaxPacketBytes];
            for (var frame = 0; frame < 10; frame++)
            {
                for (var index = 0; index < pcm.Length; index++)
                {
                    pcm[index] = (((frame * FrameSamples) + index) / 55 % 2 == 0) ? 1f : -1f;
                }

                packets.Add(opus.AsSpan(0, encoder.Encode(pcm, opus)).ToArray());
            }
        }

        var raw = new float[FrameSamples];
        var rawPeak = 0f;
        using (var decoder = new OpusFrameDecoder())
        {
            foreach (var packet in packets)
            {
                decoder.Decode(packet, raw);
                rawPeak = Math.Max(rawPeak, MaxAbs(raw));
            }
        }

        using var buffer = new LiveJitterBuffer(Options);
        for (var frame = 0; frame < packets.Count; frame++)
        {
            Assert.Equal(FrameOutcome.Accepted, buffer.Accept(new LiveFrame(0, frame, SampleOf(frame), packets[frame]), T0));
        }

        var heard = Play(buffer, 0, packets.Count);

        Assert.True(rawPeak > 1f, $"the decoder itself overshoots (peak {rawPeak})");
        Assert.All(heard, sample => Assert.InRange(sample, -1f, 1f));
        Assert.True(MaxAbs(heard) > 0.9f);
    }

    [Fact]
    public async Task Frames_accepted_on_one_thread_while_another_renders_all_land_and_play()
    {
        using var buffer = new LiveJitterBuffer(Options);
        using var barrier = new Barrier(2);

        var accepting = Task.Run(() =>
        {
            barrier.SignalAndWait();
            return Enumerable.Range(0, Frames).Reverse().Select(frame => buffer.Accept(Frame(frame), T0)).ToList();
        });
        var rendering = Task.Run(() =>
        {
            barrier.SignalAndWait();
            var block = new float[48];
            var silent = true;
            for (var position = PlayOf(0) - 48_000; position < PlayOf(0); position += block.Length)
            {
                silent &= buffer.Render(position, block) == block.Length && Array.TrueForAll(block, sample => sample == 0f);
            }

            return silent;
        });

        Assert.All(await accepting, outcome => Assert.Equal(FrameOutcome.Accepted, outcome));
        Assert.True(await rendering);
        Assert.Equal(Clean, Play(buffer, 0, Frames));
    }

    /// <summary>Frame <paramref name="frame"/> of the test stream, as the intake would cut it from its packet.</summary>
    private static LiveFrame Frame(int frame) =>
        new((uint)(frame / LiveTestStream.FramesPerPacket), frame % LiveTestStream.FramesPerPacket, SampleOf(frame),
            Stream.Packet(frame / LiveTestStream.FramesPerPacket).Frames[frame % LiveTestStream.FramesPerPacket]);

    private static long SampleOf(int frame) => T0 + ((long)frame * FrameSamples);

    private static long PlayOf(int frame) => SampleOf(frame) + LiveTestStream.DelaySamples;

    /// <summary>A buffer that has accepted the given frames, in the given order, all on time.</summary>
    private static LiveJitterBuffer Fed(IEnumerable<int> frames, LiveStreamOptions? options = null)
    {
        var buffer = new LiveJitterBuffer(options ?? Options);
        foreach (var frame in frames)
        {
            Assert.Equal(FrameOutcome.Accepted, buffer.Accept(Frame(frame), T0));
        }

        return buffer;
    }

    /// <summary>Renders <paramref name="count"/> whole frames from frame <paramref name="first"/>'s play time, one frame a call.</summary>
    private static float[] Play(LiveJitterBuffer buffer, int first, int count)
    {
        var heard = new float[count * FrameSamples];
        for (var frame = 0; frame < count; frame++)
        {
            Assert.Equal(FrameSamples, buffer.Render(PlayOf(first + frame), heard.AsSpan(frame * FrameSamples, FrameSamples)));
        }

        return heard;
    }

    /// <summary>Renders in blocks from <paramref name="from"/> until a render comes back short (the stream ended).</summary>
    private static float[] PlayUntilShort(LiveJitterBuffer buffer, long from, int block)
    {
        var heard = new List<float>();
        var samples = new float[block];
        for (var position = from; ; position += block)
        {
            var got = buffer.Render(position, samples);
            heard.AddRange(samples.AsSpan(0, got));
            if (got < block)
            {
                return [.. heard];
            }
        }
    }

    /// <summary>One step of a reference decoder: what the buffer is expected to do for one slot.</summary>
    private static readonly Func<OpusFrameDecoder, float[], int> Conceal = (decoder, frame) => decoder.Conceal(frame);

    private static readonly Func<OpusFrameDecoder, float[], int> Silence = (_, frame) => frame.Length;

    private static Func<OpusFrameDecoder, float[], int> Recover(int successor) => (decoder, frame) => decoder.Recover(Frame(successor).Opus.Span, frame);

    private static IEnumerable<Func<OpusFrameDecoder, float[], int>> Decode(int from, int to) =>
        Enumerable.Range(from, to - from).Select(frame => (Func<OpusFrameDecoder, float[], int>)((decoder, pcm) => decoder.Decode(Frame(frame).Opus.Span, pcm)));

    /// <summary>A fresh decoder taken through <paramref name="steps"/>, one slot each: the sound without the buffer's fades.</summary>
    private static float[] Decoded(IReadOnlyList<Func<OpusFrameDecoder, float[], int>> steps)
    {
        using var decoder = new OpusFrameDecoder();
        var heard = new float[steps.Count * FrameSamples];
        var pcm = new float[FrameSamples];
        for (var slot = 0; slot < steps.Count; slot++)
        {
            Array.Clear(pcm);
            Assert.Equal(FrameSamples, steps[slot](decoder, pcm));
            pcm.CopyTo(heard, slot * FrameSamples);
        }

        return heard;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> heard)
    {
        Assert.Equal(expected.Length, heard.Length);
        for (var index = 0; index < expected.Length; index++)
        {
            Assert.True(Math.Abs(expected[index] - heard[index]) <= 1e-6f, $"sample {index}: expected {expected[index]}, heard {heard[index]}");
        }
    }

    /// <summary>The heard frame is the unfaded one under a linear ramp over the frame (up for a fade-in, down for a fade-out).</summary>
    private static void AssertRamped(ReadOnlySpan<float> unfaded, ReadOnlySpan<float> heard, bool fadeIn)
    {
        Assert.True(MaxAbs(unfaded[(FrameSamples / 4)..]) > 1e-5f, "the unfaded frame has sound to fade");
        for (var index = 0; index < FrameSamples; index++)
        {
            var gain = (double)index / FrameSamples;
            var expected = unfaded[index] * (fadeIn ? gain : 1 - gain);
            Assert.True(Math.Abs(expected - heard[index]) <= (1e-4 * Math.Abs(unfaded[index])) + 1e-9, $"sample {index}: expected {expected}, heard {heard[index]}");
        }
    }

    private static Span<float> Slot(float[] heard, int frame) => heard.AsSpan(frame * FrameSamples, FrameSamples);

    private static float[] Difference(ReadOnlySpan<float> heard, ReadOnlySpan<float> original)
    {
        var difference = new float[heard.Length];
        for (var index = 0; index < heard.Length; index++)
        {
            difference[index] = heard[index] - original[index];
        }

        return difference;
    }

    private static float MaxAbs(ReadOnlySpan<float> samples)
    {
        var peak = 0f;
        foreach (var sample in samples)
        {
            peak = Math.Max(peak, Math.Abs(sample));
        }

        return peak;
    }

    private static double Rms(ReadOnlySpan<float> samples)
    {
        var sum = 0.0;
        foreach (var sample in samples)
        {
            sum += sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }
}
