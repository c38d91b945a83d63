namespace SmartLoudspeaker.Node.Audio.Live;

/// <summary>
/// One 20 ms Opus frame of a live stream as the jitter buffer takes it, independent of the wire packet that carried it
/// (a packet holds 3–10 frames; frame <see cref="Index"/> of a packet stamped t starts at t + Index·960).
/// </summary>
/// <param name="Sequence">The carrying packet's sequence number, kept for logs: order is taken from the timeline, not from it.</param>
/// <param name="Index">The frame's place within its packet.</param>
/// <param name="TimelineSample">
/// The frame's first sample on the Controller timeline: a 48 kHz sample index since the Unix epoch. It is the key the
/// buffer orders and de-duplicates by, so a resent packet or one that overtook another needs no special handling.
/// </param>
/// <param name="Opus">One 20 ms Opus packet, mono 48 kHz.</param>
internal readonly record struct LiveFrame(uint Sequence, int Index, long TimelineSample, ReadOnlyMemory<byte> Opus);
