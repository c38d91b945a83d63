namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>
/// What one direction of a proxy (or of one of its connections) has done so far. Bytes and packets are counted as
/// they are handed to the receiving socket, so whatever a receiver has already read is always counted.
/// </summary>
/// <param name="BytesForwarded">Bytes handed to the receiving side.</param>
/// <param name="PacketsForwarded">MQTT control packets handed on (0 for a stream that is not MQTT).</param>
/// <param name="Qos0PublishesDropped">QoS 0 PUBLISH packets the link profile dropped.</param>
/// <param name="PublishesHeld">PUBLISH packets a <see cref="TopicHold"/> held back (counted when read, released or not).</param>
public sealed record TrafficCounters(long BytesForwarded, long PacketsForwarded, long Qos0PublishesDropped, long PublishesHeld);
