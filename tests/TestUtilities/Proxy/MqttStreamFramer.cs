namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>
/// Cuts one direction of a TCP stream into whole MQTT control packets. A stream is taken for MQTT only if it opens
/// the way MQTT does (upstream: CONNECT with protocol name "MQTT" or "MQIsdp"; downstream: CONNACK) and every fixed
/// header stays well formed; from the first byte that breaks this, the rest of the stream passes through as raw
/// bytes, so a proxy in front of something that is not MQTT stays a plain relay.
/// </summary>
internal sealed class MqttStreamFramer
{
    private static readonly byte[] Mqtt311Name = [0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T'];
    private static readonly byte[] Mqtt31Name = [0, 6, (byte)'M', (byte)'Q', (byte)'I', (byte)'s', (byte)'d', (byte)'p'];

    private readonly int expectedFirstType;
    private byte[] pending = new byte[1024];
    private int pendingCount;
    private bool firstPacketSeen;

    public MqttStreamFramer(LinkDirection direction)
    {
        expectedFirstType = direction == LinkDirection.Upstream ? WireSegment.Connect : WireSegment.ConnAck;
    }

    /// <summary>Whether framing gave up and everything now passes through as raw bytes.</summary>
    public bool IsRaw { get; private set; }

    /// <summary>Adds bytes as read and appends every unit that is now complete to <paramref name="output"/>.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, List<WireSegment> output)
    {
        if (IsRaw)
        {
            output.Add(WireSegment.Raw(bytes.ToArray()));
            return;
        }

        Append(bytes);
        var offset = 0;
        while (offset < pendingCount)
        {
            var rest = pending.AsSpan(offset, pendingCount - offset);
            var status = TryFrame(rest, out var packetLength);
            if (status == MqttWire.ReadStatus.NeedMore)
            {
                break;
            }

            if (status == MqttWire.ReadStatus.Invalid)
            {
                IsRaw = true;
                output.Add(WireSegment.Raw(rest.ToArray()));
                offset = pendingCount;
                break;
            }

            var packet = rest[..packetLength].ToArray();
            var type = packet[0] >> 4;
            var qos = type == WireSegment.Publish ? (packet[0] >> 1) & 3 : 0;
            var clientId = type == WireSegment.Connect ? MqttWire.ReadConnectClientId(packet) : null;
            var topic = type == WireSegment.Publish ? MqttWire.ReadPublishTopic(packet) : null;
            output.Add(new WireSegment(packet, type, qos, clientId, topic));
            offset += packetLength;
        }

        // Only after a packet went out: copying on every read would make a large packet cost quadratic time.
        if (offset > 0)
        {
            pending.AsSpan(offset, pendingCount - offset).CopyTo(pending);
            pendingCount -= offset;
        }
    }

    /// <summary>At the end of the stream: whatever part of a packet is still held goes out as raw bytes.</summary>
    public void Flush(List<WireSegment> output)
    {
        if (pendingCount > 0)
        {
            output.Add(WireSegment.Raw(pending.AsSpan(0, pendingCount).ToArray()));
            pendingCount = 0;
        }
    }

    private MqttWire.ReadStatus TryFrame(ReadOnlySpan<byte> bytes, out int packetLength)
    {
        packetLength = 0;
        var type = bytes[0] >> 4;
        if ((!firstPacketSeen && type != expectedFirstType) || !MqttWire.HasValidFlags(type, bytes[0] & 0x0F))
        {
            return MqttWire.ReadStatus.Invalid;
        }

        var position = 1;
        var status = MqttWire.TryReadVariableInteger(bytes, ref position, out var remainingLength);
        if (status != MqttWire.ReadStatus.Complete)
        {
            return status;
        }

        if (!firstPacketSeen && type == WireSegment.Connect)
        {
            // Checked before the whole CONNECT is in, so a stream that only looks like one is released early.
            var name = bytes[position..];
            if (!StartsLike(name, Mqtt311Name) && !StartsLike(name, Mqtt31Name))
            {
                return MqttWire.ReadStatus.Invalid;
            }
        }

        if (bytes.Length < position + remainingLength)
        {
            return MqttWire.ReadStatus.NeedMore;
        }

        firstPacketSeen = true;
        packetLength = position + remainingLength;
        return MqttWire.ReadStatus.Complete;
    }

    private static bool StartsLike(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> expected)
    {
        var length = Math.Min(bytes.Length, expected.Length);
        return bytes[..length].SequenceEqual(expected[..length]);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (pendingCount + bytes.Length > pending.Length)
        {
            Array.Resize(ref pending, Math.Max(pending.Length * 2, pendingCount + bytes.Length));
        }

        bytes.CopyTo(pending.AsSpan(pendingCount));
        pendingCount += bytes.Length;
    }
}
