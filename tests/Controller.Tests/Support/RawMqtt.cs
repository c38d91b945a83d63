using System.Text;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>MQTT 3.1.1 packets byte by byte, for tests that must control exactly what reaches the broker.</summary>
internal static class RawMqtt
{
    /// <summary>A CONNECT (clean session, keep-alive 60 s) padded with a Will of <paramref name="willPayloadBytes"/> bytes.</summary>
    public static byte[] Connect(string clientId, int willPayloadBytes = 0)
    {
        var body = new List<byte>();
        AddString(body, "MQTT");
        body.Add(4);
        body.Add(willPayloadBytes > 0 ? (byte)0x06 : (byte)0x02);
        body.AddRange([0, 60]);
        AddString(body, clientId);
        if (willPayloadBytes > 0)
        {
            AddString(body, "sl/v1/node/" + clientId + "/death");
            AddBytes(body, new byte[willPayloadBytes]);
        }

        return Packet(0x10, body);
    }

    /// <summary>A PUBLISH of exactly <paramref name="totalBytes"/> bytes, fixed header included (QoS 1 when <paramref name="packetId"/> is set).</summary>
    public static byte[] PublishOfSize(string topic, int totalBytes, ushort? packetId = null)
    {
        var topicBytes = Encoding.UTF8.GetByteCount(topic);
        var fixedPart = 2 + topicBytes + (packetId is null ? 0 : 2);

        // The remaining length's own size depends on the remaining length: try each width.
        for (var width = 1; width <= 4; width++)
        {
            var remaining = totalBytes - 1 - width;
            if (remaining >= fixedPart && RemainingLength(remaining).Length == width)
            {
                return Publish(topic, new byte[remaining - fixedPart], packetId);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(totalBytes), totalBytes, "no PUBLISH of that size");
    }

    /// <summary>A PUBLISH of <paramref name="payload"/>.</summary>
    public static byte[] Publish(string topic, byte[] payload, ushort? packetId = null)
    {
        var body = new List<byte>();
        AddString(body, topic);
        if (packetId is { } id)
        {
            body.AddRange([(byte)(id >> 8), (byte)id]);
        }

        body.AddRange(payload);
        return Packet(packetId is null ? (byte)0x30 : (byte)0x32, body);
    }

    /// <summary>Only the head of a PUBLISH declaring <paramref name="remainingLength"/> bytes: the fixed header and the topic.</summary>
    public static byte[] PublishHead(string topic, int remainingLength)
    {
        var head = new List<byte> { 0x30 };
        head.AddRange(RemainingLength(remainingLength));
        AddString(head, topic);
        return [.. head];
    }

    /// <summary>A SUBSCRIBE (packet id 1) to <paramref name="filters"/> at QoS 0.</summary>
    public static byte[] Subscribe(params string[] filters)
    {
        var body = new List<byte> { 0, 1 };
        foreach (var filter in filters)
        {
            AddString(body, filter);
            body.Add(0);
        }

        return Packet(0x82, body);
    }

    /// <summary>MQTT's variable byte integer.</summary>
    public static byte[] RemainingLength(int value)
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

    private static byte[] Packet(byte first, List<byte> body)
    {
        var packet = new List<byte> { first };
        packet.AddRange(RemainingLength(body.Count));
        packet.AddRange(body);
        return [.. packet];
    }

    private static void AddString(List<byte> to, string text) => AddBytes(to, Encoding.UTF8.GetBytes(text));

    private static void AddBytes(List<byte> to, byte[] bytes)
    {
        to.AddRange([(byte)(bytes.Length >> 8), (byte)bytes.Length]);
        to.AddRange(bytes);
    }
}
