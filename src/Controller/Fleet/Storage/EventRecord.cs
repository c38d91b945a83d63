using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>One stored node event, when the controller first received it, and its number in storing order (0 before it is stored).</summary>
internal sealed record EventRecord(string NodeId, DateTimeOffset ReceivedAt, NodeEvent Event, long Seq = 0);
