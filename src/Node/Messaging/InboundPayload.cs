namespace SmartLoudspeaker.Node.Messaging;

/// <summary>A received message handed to its route's handler.</summary>
/// <param name="Topic">The topic it arrived on (a route's filter may match many).</param>
/// <param name="Payload">A copy of the payload, owned by the handler (MQTTnet reuses its buffer once the receive returns).</param>
/// <param name="Retained">True when the broker delivered it as a retained message.</param>
internal sealed record InboundPayload(string Topic, byte[] Payload, bool Retained);
