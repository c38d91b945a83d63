namespace SmartLoudspeaker.Node.Control;

/// <summary>A payload waiting for the control worker.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Topic">Where it arrived.</param>
/// <param name="Payload">A copy of the payload.</param>
/// <param name="ReceivedAt">The node's clock at receipt (t4 of a clock-sync reply: queueing must not count as network delay).</param>
internal sealed record InboundMessage(InboundKind Kind, string Topic, byte[] Payload, DateTimeOffset ReceivedAt);
