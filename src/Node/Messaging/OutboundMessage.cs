using MQTTnet.Protocol;

namespace SmartLoudspeaker.Node.Messaging;

/// <summary>A message ready to publish (never retained: a node's state is its birth and health, not a retained topic).</summary>
/// <param name="Topic">Where it goes.</param>
/// <param name="Payload">The exact bytes.</param>
/// <param name="Qos">0 for what a newer message replaces, 1 for what must arrive.</param>
internal sealed record OutboundMessage(string Topic, byte[] Payload, MqttQualityOfServiceLevel Qos);
