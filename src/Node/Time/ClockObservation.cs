using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Time;

/// <summary>One authenticated clock-sync sample and when it was taken on the node's monotonic clock.</summary>
/// <param name="NodeTime">
/// The middle of the exchange (between t1 and t4) on the node's monotonic clock (as <see cref="ControllerClock"/>
/// expresses it), where a symmetric path puts the offset.
/// </param>
/// <param name="Sample">Offset (how far the Controller is ahead of that monotonic node time) and round trip.</param>
internal readonly record struct ClockObservation(DateTimeOffset NodeTime, ClockSyncSample Sample);
