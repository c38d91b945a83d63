using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Priority;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.Protocol.Tests.Security;

namespace SmartLoudspeaker.Protocol.Tests.Live;

/// <summary>
/// A live packet verifies on its own against the Controller's certified key, and nothing else does: not a changed byte,
/// not a packet signed by a key a receiver holds, not a truncated or random payload, which are refused without throwing.
/// </summary>
public sealed class LiveAudioPacketCodecTests : IDisposable
{
    private readonly TestKeys keys = new();
    private readonly TrustStore trust;
    private readonly System.Security.Cryptography.ECDsa controllerKey = EcdsaP256.CreateKey();

    public LiveAudioPacketCodecTests()
    {
        trust = keys.NodeTrust();
    }

    [Fact]
    public void A_packet_round_trips_and_verifies_against_the_trust_store()
    {
        var packet = Packet(frames: 5, frameBytes: 60);

        var verdict = LiveAudioPacketCodec.Verify(Encode(packet), trust);

        Assert.True(verdict.Accepted, verdict.Refusal + " " + verdict.Detail);
        var decoded = verdict.Packet!;
        Assert.Equal((packet.StreamId, packet.Kid, packet.Sequence, packet.TimestampMicros, packet.Class), (decoded.StreamId, decoded.Kid, decoded.Sequence, decoded.TimestampMicros, decoded.Class));
        Assert.Equal(packet.Frames.Select(frame => frame.ToArray()), decoded.Frames.Select(frame => frame.ToArray()));
        Assert.Equal(EcdsaP256.SignatureLength, decoded.Signature.Length);
        Assert.Equal(TestKeys.Now, decoded.Timestamp);
        Assert.Equal(TestKeys.Now.AddMilliseconds(40), decoded.FrameTimestamp(2));
    }

    [Fact]
    public void A_packet_verifies_against_the_signers_public_key_and_not_another()
    {
        using var other = EcdsaP256.CreateKey();
        var payload = LiveAudioPacketCodec.Encode(Packet(), controllerKey);

        Assert.True(LiveAudioPacketCodec.Verify(payload, controllerKey).Accepted);
        Assert.Equal(RefusalReasons.BadSignature, LiveAudioPacketCodec.Verify(payload, other).Refusal);
    }

    [Fact]
    public void A_flipped_bit_in_any_byte_fails()
    {
        var payload = Encode(Packet(frames: 3, frameBytes: 20));

        for (var i = 0; i < payload.Length; i++)
        {
            foreach (var bit in new[] { 0x01, 0x80 })
            {
                var changed = (byte[])payload.Clone();
                changed[i] ^= (byte)bit;

                var verdict = LiveAudioPacketCodec.Verify(changed, trust);

                Assert.False(verdict.Accepted, $"byte {i} with bit 0x{bit:x2} flipped was accepted");
            }
        }
    }

    [Fact]
    public void A_packet_signed_by_a_stolen_nodes_key_fails_whatever_key_id_it_claims()
    {
        using var nodeKey = EcdsaP256.CreateKey();

        var claimingController = LiveAudioPacketCodec.Verify(LiveAudioPacketCodec.Encode(Packet(), nodeKey), trust);
        var strangerClaimingController = LiveAudioPacketCodec.Verify(keys.Stranger.SignLive(Packet()), trust);
        var underItsOwnName = LiveAudioPacketCodec.Verify(LiveAudioPacketCodec.Encode(Packet() with { Kid = "thon-1" }, nodeKey), trust);

        Assert.Equal(RefusalReasons.BadSignature, claimingController.Refusal);
        Assert.Equal(RefusalReasons.BadSignature, strangerClaimingController.Refusal);
        Assert.Equal(RefusalReasons.UnknownKey, underItsOwnName.Refusal);
    }

    [Fact]
    public void A_revoked_key_or_one_not_valid_at_the_timestamp_fails()
    {
        var outsideCertificate = Packet() with { TimestampMicros = LiveAudioPacket.ToMicros(TestKeys.Now.AddDays(200)) };

        Assert.Equal(RefusalReasons.KeyNotValid, LiveAudioPacketCodec.Verify(Encode(outsideCertificate), trust).Refusal);
        trust.Revoke([keys.Controller.Kid]);
        Assert.Equal(RefusalReasons.RevokedKey, LiveAudioPacketCodec.Verify(Encode(Packet()), trust).Refusal);
    }

    [Fact]
    public void Every_truncation_and_an_extra_byte_fail_as_malformed()
    {
        var payload = Encode(Packet(frames: 4, frameBytes: 30));

        for (var length = 0; length < payload.Length; length++)
        {
            var verdict = LiveAudioPacketCodec.Verify(payload.AsMemory(0, length), trust);
            Assert.False(verdict.Accepted, $"{length} of {payload.Length} bytes accepted");
        }

        Assert.False(LiveAudioPacketCodec.Verify(payload.Append((byte)0).ToArray(), trust).Accepted);
        Assert.Equal(DecodeFailure.Malformed, LiveAudioPacketCodec.Decode(payload.AsMemory(0, payload.Length - 1)).Failure);
    }

    [Fact]
    public void An_oversized_payload_is_refused_unread()
    {
        var result = LiveAudioPacketCodec.Decode(new byte[LiveAudioPacketCodec.MaxPacketBytes + 1]);

        Assert.Equal(DecodeFailure.TooLarge, result.Failure);
    }

    [Fact]
    public void Limits_are_refused_with_their_reason()
    {
        var payload = Encode(Packet(frames: 3, frameBytes: 10));
        var countAt = 1 + 1 + 1 + "live-0042".Length + 1 + keys.Controller.Kid.Length + 4 + 8;
        Assert.Equal(3, payload[countAt]);

        Assert.Equal(DecodeFailure.UnsupportedVersion, LiveAudioPacketCodec.Decode(With(payload, 0, 2)).Failure);
        Assert.Equal(DecodeFailure.Invalid, LiveAudioPacketCodec.Decode(With(payload, 1, 9)).Failure);
        Assert.Equal(DecodeFailure.Invalid, LiveAudioPacketCodec.Decode(With(payload, countAt, 2)).Failure);
        Assert.Equal(DecodeFailure.Invalid, LiveAudioPacketCodec.Decode(With(payload, countAt, 11)).Failure);

        // Frame 0's length: 0, and 1276 (over Opus's limit).
        Assert.Equal(DecodeFailure.Invalid, LiveAudioPacketCodec.Decode(With(With(payload, countAt + 1, 0), countAt + 2, 0)).Failure);
        Assert.Equal(DecodeFailure.Invalid, LiveAudioPacketCodec.Decode(With(With(payload, countAt + 1, 0x04), countAt + 2, 0xFC)).Failure);

        // A stream id with an upper-case letter is not an id.
        Assert.Equal(DecodeFailure.Malformed, LiveAudioPacketCodec.Decode(With(payload, 3, (byte)'L')).Failure);
    }

    [Fact]
    public void Encode_refuses_what_a_receiver_would_refuse()
    {
        Assert.Throws<ArgumentException>(() => Encode(Packet(frames: 2)));
        Assert.Throws<ArgumentException>(() => Encode(Packet(frames: 11)));
        Assert.Throws<ArgumentException>(() => Encode(Packet(frameBytes: 1276)));
        Assert.Throws<ArgumentException>(() => Encode(Packet() with { StreamId = "Live/1" }));
        Assert.Throws<ArgumentException>(() => Encode(Packet(frames: 10, frameBytes: 1000)));
    }

    [Fact]
    public void Random_and_mutated_payloads_never_throw_and_are_never_accepted()
    {
        var random = new Random(12);
        var genuine = Encode(Packet(frames: 5, frameBytes: 40));
        var accepted = 0;

        for (var round = 0; round < 3000; round++)
        {
            byte[] payload;
            if (round % 2 == 0)
            {
                payload = new byte[random.Next(0, 600)];
                random.NextBytes(payload);
                if (payload.Length > 0 && random.Next(2) == 0)
                {
                    payload[0] = LiveAudioPacketCodec.CurrentVersion;
                }
            }
            else
            {
                payload = (byte[])genuine.Clone();
                for (var changes = random.Next(1, 4); changes > 0; changes--)
                {
                    payload[random.Next(payload.Length)] = (byte)random.Next(256);
                }

                payload = payload[..random.Next(payload.Length - 8, payload.Length + 1)];
            }

            var verdict = LiveAudioPacketCodec.Verify(payload, trust);
            accepted += verdict.Accepted && !payload.AsSpan().SequenceEqual(genuine) ? 1 : 0;
        }

        Assert.Equal(0, accepted);
    }

    /// <summary>
    /// The numbers docs/protocol.md states: 20 ms frames of ~60 bytes (24 kb/s), the stream id "live-0042" and the key
    /// id "controller-2026-11". The signature costs 64 bytes on 180 of Opus with 3 frames (36 %), on 300 with 5 (21 %).
    /// </summary>
    [Theory]
    [InlineData(3, 294, 36, 63)]
    [InlineData(5, 418, 21, 39)]
    [InlineData(10, 728, 11, 21)]
    public void Sizes_and_overhead_are_those_documented(int frames, int packetBytes, int signaturePercent, int totalOverheadPercent)
    {
        var payload = LiveAudioPacketCodec.Encode(Packet(frames: frames, frameBytes: 60) with { Kid = "controller-2026-11" }, controllerKey);
        var opus = frames * 60;

        Assert.Equal(packetBytes, payload.Length);
        Assert.Equal(LiveAudioPacketCodec.FixedBytes + "live-0042".Length + "controller-2026-11".Length + (frames * 62), payload.Length);
        Assert.Equal(signaturePercent, (int)Math.Round(100.0 * LiveAudioPacketCodec.SignatureBytes / opus));
        Assert.Equal(totalOverheadPercent, (int)Math.Round(100.0 * (payload.Length - opus) / opus));
    }

    public void Dispose()
    {
        trust.Dispose();
        keys.Dispose();
        controllerKey.Dispose();
    }

    private static byte[] With(byte[] payload, int index, byte value)
    {
        var changed = (byte[])payload.Clone();
        changed[index] = value;
        return changed;
    }

    private byte[] Encode(LiveAudioPacket packet) =>
        keys.Controller.SignLive(packet);

    private LiveAudioPacket Packet(int frames = 3, int frameBytes = 60) => new()
    {
        StreamId = "live-0042",
        Kid = keys.Controller.Kid,
        Sequence = 7,
        TimestampMicros = LiveAudioPacket.ToMicros(TestKeys.Now),
        Class = PriorityClass.Live,
        Frames = [.. Enumerable.Range(0, frames).Select(i => (ReadOnlyMemory<byte>)Enumerable.Range(0, frameBytes).Select(b => (byte)(i + b)).ToArray())],
    };
}
