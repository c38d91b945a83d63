using System.Text;

namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>The few pieces of the MQTT 3.1, 3.1.1 and 5 wire format the proxy reads.</summary>
internal static class MqttWire
{
    /// <summary>Outcome of reading something that may not have fully arrived yet.</summary>
    public enum ReadStatus
    {
        Complete,
        NeedMore,
        Invalid,
    }

    /// <summary>Reads a variable byte integer (1 to 4 bytes, 7 bits each, high bit = more follows).</summary>
    public static ReadStatus TryReadVariableInteger(ReadOnlySpan<byte> bytes, ref int position, out int value)
    {
        value = 0;
        for (var index = 0; index < 4; index++)
        {
            if (position + index >= bytes.Length)
            {
                return ReadStatus.NeedMore;
            }

            var digit = bytes[position + index];
            value |= (digit & 0x7F) << (7 * index);
            if ((digit & 0x80) == 0)
            {
                position += index + 1;
                return ReadStatus.Complete;
            }
        }

        return ReadStatus.Invalid;
    }

    /// <summary>Whether the low nibble of a fixed header is one the specification allows for its packet type.</summary>
    public static bool HasValidFlags(int packetType, int flags) => packetType switch
    {
        0 => false,
        WireSegment.Publish => ((flags >> 1) & 3) != 3,

        // PUBREL, SUBSCRIBE and UNSUBSCRIBE carry the fixed flags 0010.
        6 or 8 or 10 => flags == 2,
        _ => flags == 0,
    };

    /// <summary>
    /// The client id of a whole CONNECT packet: protocol name, level, connect flags, keepalive, properties (level 5
    /// only), then the client id as a length-prefixed UTF-8 string. <c>null</c> when the packet does not parse.
    /// </summary>
    public static string? ReadConnectClientId(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 2 || packet[0] >> 4 != WireSegment.Connect)
        {
            return null;
        }

        var position = 1;
        if (TryReadVariableInteger(packet, ref position, out _) != ReadStatus.Complete
            || !TrySkipString(packet, ref position)
            || position + 4 > packet.Length)
        {
            return null;
        }

        var level = packet[position];

        // Level, connect flags and the two-byte keepalive.
        position += 4;
        if (level == 5)
        {
            if (TryReadVariableInteger(packet, ref position, out var propertiesLength) != ReadStatus.Complete
                || position + propertiesLength > packet.Length)
            {
                return null;
            }

            position += propertiesLength;
        }

        return TryReadStringLength(packet, ref position, out var length)
            ? DecodeUtf8(packet.Slice(position, length))
            : null;
    }

    /// <summary>
    /// The topic of a whole PUBLISH packet: the first field after the fixed header, a length-prefixed UTF-8 string in
    /// every version. <c>null</c> when the packet does not parse.
    /// </summary>
    public static string? ReadPublishTopic(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 2 || packet[0] >> 4 != WireSegment.Publish)
        {
            return null;
        }

        var position = 1;
        return TryReadVariableInteger(packet, ref position, out _) == ReadStatus.Complete
            && TryReadStringLength(packet, ref position, out var length)
            ? DecodeUtf8(packet.Slice(position, length))
            : null;
    }

    private static bool TrySkipString(ReadOnlySpan<byte> packet, ref int position)
    {
        if (!TryReadStringLength(packet, ref position, out var length))
        {
            return false;
        }

        position += length;
        return true;
    }

    private static bool TryReadStringLength(ReadOnlySpan<byte> packet, ref int position, out int length)
    {
        length = 0;
        if (position + 2 > packet.Length)
        {
            return false;
        }

        length = (packet[position] << 8) | packet[position + 1];
        position += 2;
        return position + length <= packet.Length;
    }

    private static string? DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
