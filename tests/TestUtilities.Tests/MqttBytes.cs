using System.Text;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>Hand-made MQTT control packets, for tests that need exact bytes rather than a client library.</summary>
internal static class MqttBytes
{
    public static byte[] Connect311(string clientId) =>
        Packet(0x10, [.. String("MQTT"), 4, 0x02, 0, 60, .. String(clientId)]);

    public static byte[] Connect31(string clientId) =>
        Packet(0x10, [.. String("MQIsdp"), 3, 0x02, 0, 60, .. String(clientId)]);

    /// <summary>MQTT 5 CONNECT with a session expiry and a user property before the client id.</summary>
    public static byte[] Connect5(string clientId)
    {
        byte[] properties = [0x11, 0, 0, 0, 30, 0x26, .. String("k"), .. String("v")];
        return Packet(0x10, [.. String("MQTT"), 5, 0x02, 0, 60, (byte)properties.Length, .. properties, .. String(clientId)]);
    }

    public static byte[] ConnAck() => [0x20, 0x02, 0x00, 0x00];

    public static byte[] Publish(string topic, int payloadLength, int qos)
    {
        byte[] packetId = qos > 0 ? [0, 1] : [];
        return Packet((byte)(0x30 | (qos << 1)), [.. String(topic), .. packetId, .. new byte[payloadLength]]);
    }

    public static byte[] Packet(byte firstByte, byte[] body) => [firstByte, .. VariableInteger(body.Length), .. body];

    public static byte[] VariableInteger(int value)
    {
        var bytes = new List<byte>();
        do
        {
            var digit = (byte)(value % 128);
            value /= 128;
            bytes.Add(value > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (value > 0);

        return [.. bytes];
    }

    private static byte[] String(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }
}
