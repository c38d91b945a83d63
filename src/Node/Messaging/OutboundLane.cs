namespace SmartLoudspeaker.Node.Messaging;

/// <summary>
/// The node's outbound priority lanes, most urgent first: whatever waits in a lane is sent only when every lane
/// before it is empty, so an acknowledgement is never queued behind an audio packet or a media transfer.
/// </summary>
internal enum OutboundLane
{
    /// <summary>Acknowledgements, clock-sync requests, birth, health and events: small, and what the Controller waits on.</summary>
    Control = 0,

    /// <summary>Live audio the node sends (no producer yet): late is useless, so it goes before bulk.</summary>
    LiveAudio = 1,

    /// <summary>Bulk media the node sends (no producer yet), sent only when nothing else waits.</summary>
    BulkMedia = 2,
}
