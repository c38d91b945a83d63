namespace SmartLoudspeaker.Protocol.Outbound;

/// <summary>
/// Outbound priority lanes, most urgent first, the same on the node and the Controller: whatever waits in a lane is
/// sent only when every lane before it is empty, so an acknowledgement or a command is never queued behind an audio
/// packet or a media transfer.
/// </summary>
public enum OutboundLane
{
    /// <summary>
    /// Commands, acknowledgements, clock-sync requests and replies, birth, health, events, key certificates: small,
    /// and what the other side waits on.
    /// </summary>
    Control = 0,

    /// <summary>Live audio (no producer yet): late is useless, so it goes before bulk.</summary>
    LiveAudio = 1,

    /// <summary>Bulk media (no producer yet), sent only when nothing else waits.</summary>
    BulkMedia = 2,
}
