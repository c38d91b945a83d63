namespace SmartLoudspeaker.Protocol.Live;

/// <summary>A receiver's decision about one live audio payload.</summary>
/// <param name="Packet">The decoded packet, when it could be decoded (present for a signature refusal too, for the log).</param>
/// <param name="Refusal">Null when genuine; otherwise one of <see cref="Security.RefusalReasons"/>.</param>
/// <param name="Detail">Why, for the log.</param>
public sealed record LiveAudioVerdict(LiveAudioPacket? Packet, string? Refusal, string? Detail)
{
    /// <summary>True when the packet is genuine and may be played (if its stream was started).</summary>
    public bool Accepted => Refusal is null && Packet is not null;
}
