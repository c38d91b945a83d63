namespace SmartLoudspeaker.Node.Control;

/// <summary>A payload waiting for the control worker.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Topic">Where it arrived.</param>
/// <param name="Payload">A copy of the payload.</param>
/// <param name="ReceivedTimestamp">
/// The node's monotonic clock at receipt (<see cref="TimeProvider.GetTimestamp"/>; t4 of a clock-sync reply: queueing
/// must not count as network delay, and a step of the wall clock must not count at all).
/// </param>
internal sealed record InboundMessage(InboundKind Kind, string Topic, byte[] Payload, long ReceivedTimestamp);
