using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SmartLoudspeaker.Protocol.Priority;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Live;

/// <summary>
/// The binary form of a <see cref="LiveAudioPacket"/> (docs/protocol.md, "Live audio packets"): a small header, the
/// length-prefixed Opus frames, and a 64-byte ECDSA P-256 signature (IEEE P1363, as every signature of the protocol)
/// over a fixed context string and every byte before it. Binary, because base64 in JSON would cost a third more on a
/// paid 4G link for the one message sent 17 times a second. Decoding is strict and never throws: every length is
/// checked against what is left and against its limit, and trailing bytes are refused, so one payload has exactly one
/// reading and the signed bytes are the bytes received.
/// </summary>
public static class LiveAudioPacketCodec
{
    /// <summary>The only packet version this build reads and writes.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>
    /// Largest payload accepted, and the largest the embedded broker routes on an audio topic (a larger one is refused
    /// there as <c>audio-too-large</c>), so a packet the broker passes is never refused here and a larger one is refused unread.
    /// </summary>
    public const int MaxPacketBytes = 8 * 1024;

    /// <summary>Fewest frames in a packet: fewer would make the signature the larger part of the packet.</summary>
    public const int MinFrames = 3;

    /// <summary>Most frames in a packet: 200 ms, as much as one lost packet may cost.</summary>
    public const int MaxFrames = 10;

    /// <summary>Largest Opus frame (RFC 6716, 3.2.1: 1275 bytes for one frame).</summary>
    public const int MaxFrameBytes = 1275;

    /// <summary>Longest stream id or key id, as <see cref="Identifiers.MaxLength"/>.</summary>
    public const int MaxIdBytes = Identifiers.MaxLength;

    /// <summary>Latest timestamp a packet may carry: the last microsecond <see cref="DateTimeOffset"/> can hold.</summary>
    public static readonly long MaxTimestampMicros = LiveAudioPacket.ToMicros(DateTimeOffset.MaxValue);

    /// <summary>Bytes of the signature at the end of every packet.</summary>
    public const int SignatureBytes = EcdsaP256.SignatureLength;

    /// <summary>
    /// Prefixed to the signed bytes, never sent: a signature over a live packet can then never be read as the signature
    /// of any other message signed by the same key, and the other way round (domain separation).
    /// </summary>
    public static ReadOnlySpan<byte> SigningContext => "sl/v1 live audio\n"u8;

    /// <summary>Fixed bytes of a packet besides its two ids and its frames: version, class, two id lengths, sequence, timestamp, count, signature.</summary>
    public const int FixedBytes = 1 + 1 + 1 + 1 + 4 + 8 + 1 + SignatureBytes;

    /// <summary>The signed wire form of <paramref name="packet"/> (its <see cref="LiveAudioPacket.Signature"/> is ignored).</summary>
    /// <exception cref="ArgumentException">When the packet breaks a limit a receiver would refuse it for.</exception>
    public static byte[] Encode(LiveAudioPacket packet, ECDsa signer)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(signer);
        var problem = FindProblem(packet);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(packet));
        }

        var size = FixedBytes + packet.StreamId.Length + packet.Kid.Length + packet.Frames.Sum(frame => 2 + frame.Length);
        if (size > MaxPacketBytes)
        {
            throw new ArgumentException($"The packet would be {size} bytes, over the {MaxPacketBytes} a receiver reads.", nameof(packet));
        }

        var bytes = new byte[size];
        var at = 0;
        bytes[at++] = packet.Version;
        bytes[at++] = (byte)packet.Class;
        at = WriteId(bytes, at, packet.StreamId);
        at = WriteId(bytes, at, packet.Kid);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), packet.Sequence);
        at += 4;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(at), packet.TimestampMicros);
        at += 8;
        bytes[at++] = (byte)packet.Frames.Count;
        foreach (var frame in packet.Frames)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), (ushort)frame.Length);
            at += 2;
            frame.Span.CopyTo(bytes.AsSpan(at));
            at += frame.Length;
        }

        var signature = EcdsaP256.Sign(signer, SignedData(bytes.AsSpan(0, at)));
        signature.CopyTo(bytes.AsSpan(at));
        return bytes;
    }

    /// <summary>
    /// Reads a payload without verifying it; never throws. The frames returned are slices of <paramref name="payload"/>
    /// (no copy at 17 packets a second), so the caller keeps the buffer as long as it keeps the packet.
    /// </summary>
    public static DecodeResult<LiveAudioPacket> Decode(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > MaxPacketBytes)
        {
            return Fail(DecodeFailure.TooLarge, $"{payload.Length} bytes is over the {MaxPacketBytes}-byte limit");
        }

        var span = payload.Span;
        if (span.IsEmpty)
        {
            return Fail(DecodeFailure.Malformed, "empty payload");
        }

        if (span[0] != CurrentVersion)
        {
            return Fail(DecodeFailure.UnsupportedVersion, $"packet version {span[0]}, this build reads {CurrentVersion}");
        }

        if (span.Length < FixedBytes + 2)
        {
            return Fail(DecodeFailure.Malformed, $"{span.Length} bytes is shorter than any packet");
        }

        var body = span[..^SignatureBytes];
        var at = 1;
        var classByte = body[at++];
        if (!Enum.IsDefined((PriorityClass)classByte))
        {
            return Fail(DecodeFailure.Invalid, $"class {classByte} is not a priority class");
        }

        if (!TryReadId(body, ref at, out var streamId))
        {
            return Fail(DecodeFailure.Malformed, "stream id is missing, too long or not a valid id");
        }

        if (!TryReadId(body, ref at, out var kid))
        {
            return Fail(DecodeFailure.Malformed, "key id is missing, too long or not a valid id");
        }

        if (body.Length - at < 4 + 8 + 1)
        {
            return Fail(DecodeFailure.Malformed, "truncated before the frames");
        }

        var sequence = BinaryPrimitives.ReadUInt32BigEndian(body[at..]);
        at += 4;
        var timestamp = BinaryPrimitives.ReadInt64BigEndian(body[at..]);
        at += 8;
        if (timestamp < 0 || timestamp > MaxTimestampMicros)
        {
            return Fail(DecodeFailure.Invalid, "timestamp is before the Unix epoch or beyond year 9999");
        }

        int count = body[at++];
        if (count is < MinFrames or > MaxFrames)
        {
            return Fail(DecodeFailure.Invalid, $"{count} frames; a packet holds {MinFrames}–{MaxFrames}");
        }

        var frames = new ReadOnlyMemory<byte>[count];
        for (var i = 0; i < count; i++)
        {
            if (body.Length - at < 2)
            {
                return Fail(DecodeFailure.Malformed, $"truncated at the length of frame {i}");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
            at += 2;
            if (length is < 1 or > MaxFrameBytes)
            {
                return Fail(DecodeFailure.Invalid, $"frame {i} is {length} bytes; an Opus frame is 1–{MaxFrameBytes}");
            }

            if (body.Length - at < length)
            {
                return Fail(DecodeFailure.Malformed, $"truncated inside frame {i}");
            }

            frames[i] = payload.Slice(at, length);
            at += length;
        }

        if (at != body.Length)
        {
            return Fail(DecodeFailure.Malformed, $"{body.Length - at} bytes between the last frame and the signature");
        }

        return DecodeResult<LiveAudioPacket>.Ok(new LiveAudioPacket
        {
            Version = CurrentVersion,
            Class = (PriorityClass)classByte,
            StreamId = streamId,
            Kid = kid,
            Sequence = sequence,
            TimestampMicros = timestamp,
            Frames = frames,
            Signature = payload[^SignatureBytes..],
        });
    }

    /// <summary>
    /// Decodes and verifies against the node's <paramref name="trust"/>: the key must be certified and unrevoked and its
    /// certificate must cover the packet's timestamp, as for a command. Never throws on bad input.
    /// </summary>
    public static LiveAudioVerdict Verify(ReadOnlyMemory<byte> payload, TrustStore trust)
    {
        ArgumentNullException.ThrowIfNull(trust);
        var decoded = Decode(payload);
        if (!decoded.Succeeded)
        {
            return new LiveAudioVerdict(null, RefusalReasons.Malformed, $"{decoded.Failure}: {decoded.Detail}");
        }

        var packet = decoded.Message!;
        var problem = trust.Verify(packet.Kid, packet.Timestamp, SignedData(payload.Span[..^SignatureBytes]), packet.Signature.Span);
        return new LiveAudioVerdict(packet, problem, problem is null ? null : $"key '{packet.Kid}'");
    }

    /// <summary>Decodes and verifies against one public key (a test, or a tool that holds the key itself). Never throws on bad input.</summary>
    public static LiveAudioVerdict Verify(ReadOnlyMemory<byte> payload, ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var decoded = Decode(payload);
        if (!decoded.Succeeded)
        {
            return new LiveAudioVerdict(null, RefusalReasons.Malformed, $"{decoded.Failure}: {decoded.Detail}");
        }

        var packet = decoded.Message!;
        return EcdsaP256.Verify(publicKey, SignedData(payload.Span[..^SignatureBytes]), packet.Signature.Span)
            ? new LiveAudioVerdict(packet, null, null)
            : new LiveAudioVerdict(packet, RefusalReasons.BadSignature, "the signature does not match");
    }

    /// <summary>What is wrong with a packet to be encoded, or null.</summary>
    public static string? FindProblem(LiveAudioPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.Version != CurrentVersion ? $"version must be {CurrentVersion}"
            : !Identifiers.IsValid(packet.StreamId) ? "stream id must be a valid id"
            : !Identifiers.IsValid(packet.Kid) ? "kid must be a valid id"
            : !Enum.IsDefined(packet.Class) ? "class must be a priority class"
            : packet.TimestampMicros < 0 || packet.TimestampMicros > MaxTimestampMicros ? "timestamp must be from the Unix epoch to year 9999"
            : packet.Frames is null || packet.Frames.Count is < MinFrames or > MaxFrames ? $"a packet holds {MinFrames}–{MaxFrames} frames"
            : packet.Frames.Any(frame => frame.Length is < 1 or > MaxFrameBytes) ? $"every frame must be 1–{MaxFrameBytes} bytes"
            : null;
    }

    private static byte[] SignedData(ReadOnlySpan<byte> body)
    {
        var data = new byte[SigningContext.Length + body.Length];
        SigningContext.CopyTo(data);
        body.CopyTo(data.AsSpan(SigningContext.Length));
        return data;
    }

    private static int WriteId(byte[] bytes, int at, string id)
    {
        bytes[at++] = (byte)id.Length;
        return at + Encoding.ASCII.GetBytes(id, bytes.AsSpan(at));
    }

    private static bool TryReadId(ReadOnlySpan<byte> body, ref int at, out string id)
    {
        id = string.Empty;
        if (body.Length - at < 1)
        {
            return false;
        }

        int length = body[at];
        if (length is < 1 or > MaxIdBytes || body.Length - at - 1 < length)
        {
            return false;
        }

        var raw = body.Slice(at + 1, length);
        foreach (var b in raw)
        {
            if (b > 0x7f)
            {
                return false;
            }
        }

        var candidate = Encoding.ASCII.GetString(raw);
        if (!Identifiers.IsValid(candidate))
        {
            return false;
        }

        id = candidate;
        at += 1 + length;
        return true;
    }

    private static DecodeResult<LiveAudioPacket> Fail(DecodeFailure failure, string detail) => DecodeResult<LiveAudioPacket>.Fail(failure, detail);
}
