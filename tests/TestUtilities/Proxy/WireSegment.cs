namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>
/// A unit the proxy forwards: one whole MQTT control packet, or a run of bytes from a stream that is not MQTT.
/// </summary>
/// <param name="Bytes">The bytes as read.</param>
/// <param name="PacketType">MQTT control packet type (high nibble of the first byte); <c>null</c> for raw bytes.</param>
/// <param name="Qos">QoS of a PUBLISH packet, 0 otherwise.</param>
/// <param name="ClientId">Client id of a CONNECT packet that could be parsed.</param>
/// <param name="Topic">Topic of a PUBLISH packet that could be parsed (empty for an MQTT 5 topic alias alone).</param>
internal sealed record WireSegment(byte[] Bytes, int? PacketType, int Qos, string? ClientId, string? Topic = null)
{
    public const int Connect = 1;
    public const int ConnAck = 2;
    public const int Publish = 3;

    public bool IsQos0Publish => PacketType == Publish && Qos == 0;

    public static WireSegment Raw(byte[] bytes) => new(bytes, null, 0, null);
}
