using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Time;

/// <summary>One authenticated clock-sync sample and when it was taken on the node's own clock.</summary>
/// <param name="NodeTime">The middle of the exchange (between t1 and t4), where a symmetric path puts the offset.</param>
/// <param name="Sample">Offset (how far the Controller is ahead) and round trip.</param>
internal readonly record struct ClockObservation(DateTimeOffset NodeTime, ClockSyncSample Sample);
