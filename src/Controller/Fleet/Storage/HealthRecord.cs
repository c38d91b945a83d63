using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>One stored health report and when the controller received it.</summary>
internal sealed record HealthRecord(string NodeId, DateTimeOffset ReceivedAt, NodeHealth Health);
