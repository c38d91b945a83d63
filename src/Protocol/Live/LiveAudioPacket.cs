using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Protocol.Live;

/// <summary>
/// One live audio packet (docs/protocol.md, "Live audio packets"): a few consecutive 20 ms Opus frames of one stream,
/// signed by the Controller's certified signing key. Each packet verifies on its own, so a lost packet costs only its
/// frames, and nobody who merely receives packets (a stolen node, the observer account) can make one: the key that
/// signs them is the one that signs commands, which no receiver holds.
/// </summary>
/// <remarks>
/// The packet names its stream, not its target: who plays a stream is said once, in the signed
/// <see cref="Commands.StreamStartCommand"/> whose target is checked like any command's, and a node plays only packets
/// of a stream it has accepted a start for. A packet moved to another zone's topic is therefore ignored there.
/// </remarks>
public sealed record LiveAudioPacket
{
    /// <summary>Length of one Opus frame in time: every frame of every stream is 20 ms.</summary>
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    /// <summary>The packet format version (the first byte).</summary>
    public byte Version { get; init; } = LiveAudioPacketCodec.CurrentVersion;

    /// <summary>The stream this packet belongs to: an id of node-id shape, the one its stream start names.</summary>
    public required string StreamId { get; init; }

    /// <summary>The Controller signing key that signed it (a certified, unrevoked kid, as a command's).</summary>
    public required string Kid { get; init; }

    /// <summary>
    /// The packet's number within its stream, from 0 and one per packet (wrapping after 2³² packets, over two years at
    /// 20 ms frames): a receiver drops a number it already holds and sees a gap as loss.
    /// </summary>
    public required uint Sequence { get; init; }

    /// <summary>
    /// When the first frame of this packet was captured, on the Controller's clock, in microseconds since the Unix
    /// epoch: the unit of a command's <c>seq</c> and of <see cref="DateTimeOffset"/> arithmetic. Every node plays this
    /// frame at this instant plus the stream's one delay, so the villages hear it together.
    /// </summary>
    public required long TimestampMicros { get; init; }

    /// <summary>The priority class of the stream (its stream start says the same; a mismatch is refused by the node).</summary>
    public required PriorityClass Class { get; init; }

    /// <summary>The Opus frames, 20 ms each, in order: 3–10 of them, each 1–1275 bytes (Opus's own limit).</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Frames { get; init; }

    /// <summary>The signature as received (empty on a packet built to be encoded).</summary>
    public ReadOnlyMemory<byte> Signature { get; init; }

    /// <summary><see cref="TimestampMicros"/> as an instant.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.UnixEpoch.AddTicks(TimestampMicros * TimeSpan.TicksPerMicrosecond);

    /// <summary>The Controller-clock instant of frame <paramref name="index"/> of this packet.</summary>
    public DateTimeOffset FrameTimestamp(int index) => Timestamp + (FrameDuration * index);

    /// <summary>Microseconds since the Unix epoch of <paramref name="instant"/>, as <see cref="TimestampMicros"/> carries it.</summary>
    public static long ToMicros(DateTimeOffset instant) => (instant - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
}
