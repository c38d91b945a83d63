using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary>One stored health report.</summary>
/// <param name="ReceivedAt">When the controller received it, on its clock.</param>
/// <param name="Health">The report as the node sent it.</param>
public sealed record HealthSample(DateTimeOffset ReceivedAt, NodeHealth Health);
