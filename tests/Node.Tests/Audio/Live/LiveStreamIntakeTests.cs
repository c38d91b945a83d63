using System.Buffers.Text;
using SmartLoudspeaker.Node.Audio.Live;
using SmartLoudspeaker.Node.Audio.Opus;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Priority;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Audio.Live;

/// <summary>
/// Real Opus in really signed packets through the intake into the content the playout reads: a frame stamped T is
/// heard at T + delay, only genuine packets of a started stream at its class and frame count play, a stop ends the
/// stream where it says, and no payload makes the intake throw. Time is passed as timeline samples, never waited for.
/// </summary>
public sealed class LiveStreamIntakeTests : IDisposable
{
    private const int Block = PlayoutEngine.BlockSamples;
    private const int FrameSamples = OpusFormat.SamplesPerFrame;
    private const long Start = LiveTestStream.DelaySamples;

    private static readonly LiveTestStream Stream = new(packets: 10);

    private readonly TestKeys _keys = new();
    private readonly TrustStore _trust;
    private readonly LiveStreamIntake _intake;

    public LiveStreamIntakeTests()
    {
        _trust = new TrustStore(_keys.Root.PublicKey());
        Assert.Null(_trust.AddCertificate(_keys.Certificate(_keys.Controller)));
        _intake = new LiveStreamIntake(_trust);
    }

    private static long T0 => LiveTestStream.FirstSample;

    [Fact]
    public void A_frame_stamped_T_is_heard_at_T_plus_the_delay()
    {
        var content = Started();
        for (var packet = 0; packet < Stream.Packets; packet++)
        {
            Assert.Null(_intake.Receive(LiveTestStream.StreamId, Stream.Signed(packet, _keys.Controller), T0));
        }

        // From one block before the first frame's play time to the end of the stream's frames.
        var from = T0 + Start - Block;
        var heard = ReadBlocks(content, from, Block + (Stream.Packets * LiveTestStream.FramesPerPacket * FrameSamples));

        var toneFrom = T0 + Start + (LiveTestStream.SilentFrames * FrameSamples);
        var onset = from + Array.FindIndex(heard, sample => Math.Abs(sample) > 0.05f);
        Assert.InRange(onset, toneFrom + LiveJitterBuffer.CodecDelaySamples - 48, toneFrom + LiveJitterBuffer.CodecDelaySamples + 48);
        Assert.All(heard[..(int)(toneFrom - from)], sample => Assert.True(Math.Abs(sample) < 0.01f));
        var settled = heard.AsSpan((int)(toneFrom - from) + FrameSamples, 10 * FrameSamples);
        Assert.InRange(Rms(settled), 0.7 * ToneRms, 1.3 * ToneRms);
        Assert.InRange(ZeroCrossings(settled) * 48_000.0 / settled.Length, 2 * 440 * 0.97, 2 * 440 * 1.03);
        Assert.Equal(10, _intake.Counters.AcceptedPackets);
        Assert.Equal(30, _intake.Counters.AcceptedFrames);
    }

    [Fact]
    public void Duplicated_and_reordered_packets_sound_exactly_as_the_stream_sent_once_in_order()
    {
        var clean = Started();
        using var otherTrust = new TrustStore(_keys.Root.PublicKey());
        Assert.Null(otherTrust.AddCertificate(_keys.Certificate(_keys.Controller)));
        using var messy = new LiveStreamIntake(otherTrust);
        Assert.True(messy.TryStart(LiveTestStream.Start(), out var messyContent));
        var packets = Enumerable.Range(0, Stream.Packets).Select(index => Stream.Signed(index, _keys.Controller)).ToArray();
        foreach (var packet in packets)
        {
            Assert.Null(_intake.Receive(LiveTestStream.StreamId, packet, T0));
        }

        // The first packet first (it sets the stream's grid), then the rest backwards, each twice.
        Assert.Null(messy.Receive(LiveTestStream.StreamId, packets[0], T0));
        foreach (var packet in packets.Reverse())
        {
            Assert.Null(messy.Receive(LiveTestStream.StreamId, packet, T0));
            Assert.Null(messy.Receive(LiveTestStream.StreamId, packet, T0));
        }

        var length = Stream.Packets * LiveTestStream.FramesPerPacket * FrameSamples;
        Assert.Equal(ReadBlocks(clean, T0 + Start, length), ReadBlocks(messyContent, T0 + Start, length));
        Assert.Equal(30, messy.Counters.AcceptedFrames);
        Assert.Equal(33, messy.Counters.DuplicateFrames);
    }

    [Fact]
    public void A_replayed_packet_whose_play_time_has_passed_sounds_nothing()
    {
        var content = Started();
        var packet = Stream.Signed(0, _keys.Controller);
        Assert.Null(_intake.Receive(LiveTestStream.StreamId, packet, T0));
        ReadBlocks(content, T0 + Start, 10 * Block);

        Assert.Null(_intake.Receive(LiveTestStream.StreamId, packet, T0 + Start + (10 * Block)));

        Assert.Equal(3, _intake.Counters.LateFrames);
        Assert.Equal(0, _intake.Counters.DuplicateFrames);
    }

    [Fact]
    public void Packets_not_signed_by_a_certified_Controller_key_are_refused_and_sound_nothing()
    {
        var content = Started();
        using var uncertified = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forged = Stream.Signed(0, _keys.Stranger);
        var unknownKey = Stream.Signed(1, new PayloadSigner(uncertified, "someone-else"));
        var tampered = Stream.Signed(2, _keys.Controller);
        tampered[LiveAudioPacketCodec.FixedBytes + 20] ^= 0x01;

        Assert.Equal(RefusalReasons.BadSignature, _intake.Receive(LiveTestStream.StreamId, forged, T0));
        Assert.Equal(RefusalReasons.UnknownKey, _intake.Receive(LiveTestStream.StreamId, unknownKey, T0));
        Assert.Equal(RefusalReasons.BadSignature, _intake.Receive(LiveTestStream.StreamId, tampered, T0));

        Assert.All(ReadBlocks(content, T0 + Start, 9 * FrameSamples), sample => Assert.Equal(0f, sample));
        Assert.Equal(2, _intake.Counters.RefusedPackets[RefusalReasons.BadSignature]);
        Assert.Equal(0, _intake.Counters.AcceptedPackets);
    }

    [Fact]
    public void A_packet_signed_by_a_revoked_key_or_outside_its_certificate_is_refused()
    {
        Started();
        var beyondCertificate = _keys.Controller.SignLive(Stream.Packet(0) with { TimestampMicros = LiveAudioPacket.ToMicros(TestKeys.Now.AddDays(91)) });
        Assert.Equal(RefusalReasons.KeyNotValid, _intake.Receive(LiveTestStream.StreamId, beyondCertificate, T0));

        _trust.Revoke([_keys.Controller.Kid]);

        Assert.Equal(RefusalReasons.RevokedKey, _intake.Receive(LiveTestStream.StreamId, Stream.Signed(0, _keys.Controller), T0));
    }

    [Fact]
    public void A_genuine_packet_stamped_at_the_last_representable_instant_is_counted_not_thrown()
    {
        var content = Started();
        using var farKey = EcdsaP256.CreateKey();
        var far = new PayloadSigner(farKey, "controller-far");
        Assert.Null(_trust.AddCertificate(_keys.Root.Sign(new KeyCertificate
        {
            Kid = far.Kid,
            PublicKey = Base64Url.EncodeToString(far.PublicKey()),
            NotBefore = TestKeys.Now,
            NotAfter = DateTimeOffset.MaxValue,
        })));
        var last = far.SignLive(Stream.Packet(0) with { TimestampMicros = LiveAudioPacketCodec.MaxTimestampMicros });

        Assert.Null(_intake.Receive(LiveTestStream.StreamId, last, T0));

        Assert.Equal(0, _intake.Counters.AcceptedFrames);
        Assert.Equal(3, _intake.Counters.FarFutureFrames + _intake.Counters.MalformedFrames);
        Assert.All(ReadBlocks(content, T0 + Start, 4 * Block), sample => Assert.Equal(0f, sample));
    }

    [Fact]
    public void A_genuine_packet_of_a_stream_with_no_accepted_start_is_refused()
    {
        Assert.Equal(LiveIntakeReasons.UnknownStream, _intake.Receive(LiveTestStream.StreamId, Stream.Signed(0, _keys.Controller), T0));
        Assert.Equal(1, _intake.Counters.RefusedPackets[LiveIntakeReasons.UnknownStream]);
    }

    [Fact]
    public void A_packet_on_another_streams_topic_is_refused_even_when_its_own_stream_was_started()
    {
        Started();

        Assert.Equal(LiveIntakeReasons.WrongStream, _intake.Receive("live-0043", Stream.Signed(0, _keys.Controller), T0));
    }

    [Fact]
    public void A_genuine_packet_at_another_class_or_frame_count_than_its_start_is_refused()
    {
        var content = Started();
        var louder = _keys.Controller.SignLive(Stream.Packet(0) with { Class = PriorityClass.Emergency });
        var longer = _keys.Controller.SignLive(Stream.Packet(1) with { Frames = [.. Stream.Packet(1).Frames, .. Stream.Packet(2).Frames] });

        Assert.Equal(LiveIntakeReasons.WrongClass, _intake.Receive(LiveTestStream.StreamId, louder, T0));
        Assert.Equal(LiveIntakeReasons.WrongFrameCount, _intake.Receive(LiveTestStream.StreamId, longer, T0));
        Assert.All(ReadBlocks(content, T0 + Start, 9 * FrameSamples), sample => Assert.Equal(0f, sample));
    }

    [Fact]
    public void Malformed_payloads_are_refused_with_a_reason_and_never_throw()
    {
        Started();
        var genuine = Stream.Signed(0, _keys.Controller);
        var random = new byte[300];
        new Random(7).NextBytes(random);
        List<byte[]> payloads = [Array.Empty<byte>(), new byte[] { LiveAudioPacketCodec.CurrentVersion }, random, new byte[LiveAudioPacketCodec.MaxPacketBytes + 1], [2, .. genuine[1..]]];
        for (var length = 1; length < genuine.Length; length += 7)
        {
            payloads.Add(genuine[..length]);
        }

        foreach (var payload in payloads)
        {
            Assert.Equal(LiveIntakeReasons.Malformed, _intake.Receive(LiveTestStream.StreamId, payload, T0));
        }

        Assert.Equal(payloads.Count, _intake.Counters.RefusedPackets[LiveIntakeReasons.Malformed]);
        Assert.Null(_intake.Receive(LiveTestStream.StreamId, genuine, T0));
    }

    [Fact]
    public void After_a_stop_without_end_every_packet_of_the_stream_is_refused_and_its_id_cannot_start_again()
    {
        Started();
        Assert.Null(_intake.Receive(LiveTestStream.StreamId, Stream.Signed(0, _keys.Controller), T0));

        Assert.True(_intake.Stop(LiveTestStream.StreamId, endTimestampUs: null));
        Assert.Equal(LiveIntakeReasons.StreamStopped, _intake.Receive(LiveTestStream.StreamId, Stream.Signed(1, _keys.Controller), T0));

        _intake.Forget(LiveTestStream.StreamId);
        Assert.Equal(0, _intake.ActiveStreams);
        Assert.Equal(LiveIntakeReasons.StreamStopped, _intake.Receive(LiveTestStream.StreamId, Stream.Signed(2, _keys.Controller), T0));
        Assert.False(_intake.TryStart(LiveTestStream.Start(), out _));
        Assert.False(_intake.Stop(LiveTestStream.StreamId, endTimestampUs: null));
    }

    [Fact]
    public void A_stop_with_an_end_plays_what_came_before_it_even_after_the_stop_then_ends_on_that_sample()
    {
        var content = Started();
        for (var packet = 0; packet < 4; packet++)
        {
            Assert.Null(_intake.Receive(LiveTestStream.StreamId, Stream.Signed(packet, _keys.Controller), T0));
        }

        const int endPacket = 6;
        Assert.True(_intake.Stop(LiveTestStream.StreamId, LiveTestStream.TimestampOf(endPacket)));
        Assert.Null(_intake.Receive(LiveTestStream.StreamId, Stream.Signed(5, _keys.Controller), T0));
        Assert.Null(_intake.Receive(LiveTestStream.StreamId, Stream.Signed(4, _keys.Controller), T0));
        Assert.Equal(LiveIntakeReasons.StreamStopped, _intake.Receive(LiveTestStream.StreamId, Stream.Signed(endPacket, _keys.Controller), T0));

        var end = T0 + Start + (endPacket * LiveTestStream.FramesPerPacket * FrameSamples);
        var beforeLastFrame = new float[end - FrameSamples - (T0 + Start)];
        var lastFrame = new float[FrameSamples];
        Assert.Equal(beforeLastFrame.Length, content.Read(T0 + Start, beforeLastFrame));
        Assert.Equal(FrameSamples, content.Read(end - FrameSamples, lastFrame));
        Assert.InRange(Rms(lastFrame), 0.7 * ToneRms, 1.3 * ToneRms);
        Assert.False(content.Ended);

        Assert.Equal(0, content.Read(end, new float[Block]));
        Assert.True(content.Ended);
        Assert.Equal(LiveIntakeReasons.StreamEnded, _intake.Receive(LiveTestStream.StreamId, Stream.Signed(3, _keys.Controller), T0));
    }

    [Fact]
    public void A_read_across_the_end_returns_the_samples_up_to_it()
    {
        var content = Started();
        Assert.Null(_intake.Receive(LiveTestStream.StreamId, Stream.Signed(0, _keys.Controller), T0));
        var end = LiveTestStream.TimestampOf(0) + 30_000;
        _intake.Stop(LiveTestStream.StreamId, end);

        Assert.Equal(30 * 48, content.Read(T0 + Start, new float[Block * 4]));
        Assert.True(content.Ended);
    }

    [Fact]
    public void A_stream_silent_for_its_end_after_silence_ends_and_refuses_later_packets()
    {
        Assert.True(_intake.TryStart(LiveTestStream.Start(endAfterSilenceMs: 1000), out var content));
        Assert.Null(_intake.Receive(LiveTestStream.StreamId, Stream.Signed(0, _keys.Controller), T0));
        var framesEnd = T0 + Start + (LiveTestStream.FramesPerPacket * FrameSamples);

        var heard = ReadBlocks(content, T0 + Start, 2 * 48_000);

        Assert.Equal(framesEnd + 48_000 - (T0 + Start), heard.Length);
        Assert.True(content.Ended);
        Assert.Equal(LiveIntakeReasons.StreamEnded, _intake.Receive(LiveTestStream.StreamId, Stream.Signed(5, _keys.Controller), T0 + Start + 48_000));
    }

    [Fact]
    public void The_same_start_again_gives_the_same_content_and_a_different_one_for_the_id_is_refused()
    {
        var content = Started();

        Assert.True(_intake.TryStart(LiveTestStream.Start(), out var again));
        Assert.Same(content, again);
        Assert.False(_intake.TryStart(LiveTestStream.Start(PriorityClass.Emergency), out _));
    }

    [Fact]
    public async Task Packets_received_on_one_thread_while_another_reads_all_land_and_play()
    {
        var content = Started();
        var packets = Enumerable.Range(0, Stream.Packets).Select(index => Stream.Signed(index, _keys.Controller)).ToArray();
        var length = Stream.Packets * LiveTestStream.FramesPerPacket * FrameSamples;

        var receiving = Task.Run(() => packets.Select(packet => _intake.Receive(LiveTestStream.StreamId, packet, T0)).ToList());
        var reading = Task.Run(() => ReadBlocks(content, T0, LiveTestStream.DelaySamples));
        var refusals = await receiving;
        var heardBefore = await reading;

        Assert.All(refusals, Assert.Null);
        Assert.Equal(LiveTestStream.DelaySamples, heardBefore.Length);
        Assert.InRange(Rms(ReadBlocks(content, T0 + Start + (10 * FrameSamples), length - (10 * FrameSamples))), 0.7 * ToneRms, 1.3 * ToneRms);
    }

    public void Dispose()
    {
        _intake.Dispose();
        _trust.Dispose();
        _keys.Dispose();
    }

    private static double ToneRms => LiveTestStream.ToneAmplitude / Math.Sqrt(2);

    private LivePlayContent Started()
    {
        Assert.True(_intake.TryStart(LiveTestStream.Start(), out var content));
        return content;
    }

    /// <summary>Reads as the playout does, block by block; stops at the first short read.</summary>
    private static float[] ReadBlocks(LivePlayContent content, long from, long count)
    {
        var heard = new List<float>();
        var block = new float[Block];
        for (var position = from; position < from + count; position += Block)
        {
            var wanted = (int)Math.Min(Block, from + count - position);
            var got = content.Read(position, block.AsSpan(0, wanted));
            heard.AddRange(block.AsSpan(0, got));
            if (got < wanted)
            {
                break;
            }
        }

        return [.. heard];
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

    private static int ZeroCrossings(ReadOnlySpan<float> samples)
    {
        var crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
            {
                crossings++;
            }
        }

        return crossings;
    }
}
