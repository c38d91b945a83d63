namespace SmartLoudspeaker.Node.Audio.Live;

/// <summary>
/// What the live intake did with packets and their frames since the node started, over all streams (a stream's own
/// jitter buffer goes when the stream is forgotten; these stay, for health).
/// </summary>
/// <param name="AcceptedPackets">Genuine packets of an accepted stream, handed to its jitter buffer.</param>
/// <param name="RefusedPackets">Refused packets by reason (<see cref="LiveIntakeReasons"/> and the signature's reasons).</param>
/// <param name="AcceptedFrames">Frames buffered to play.</param>
/// <param name="DuplicateFrames">Frames already held (a resent or duplicated packet): harmless, ignored.</param>
/// <param name="LateFrames">Frames whose play time had passed.</param>
/// <param name="FarFutureFrames">Frames beyond the buffer's horizon.</param>
/// <param name="MalformedFrames">Frames the jitter buffer could not place (off the stream's 20 ms grid).</param>
internal sealed record LiveIntakeCounters(
    long AcceptedPackets,
    IReadOnlyDictionary<string, long> RefusedPackets,
    long AcceptedFrames,
    long DuplicateFrames,
    long LateFrames,
    long FarFutureFrames,
    long MalformedFrames);
