using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>One stored node event and when the controller first received it.</summary>
internal sealed record EventRecord(string NodeId, DateTimeOffset ReceivedAt, NodeEvent Event);
