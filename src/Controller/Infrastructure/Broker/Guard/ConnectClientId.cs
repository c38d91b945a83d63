using System.Text;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>
/// Reads the client id out of a whole CONNECT packet, so the guard can name the client in its log and exempt the
/// controller's own client from the publish rate. MQTTnet parses the same packet again and remains the judge of it.
/// </summary>
internal static class ConnectClientId
{
    /// <summary>The client id, or null when the packet is too short or malformed to tell.</summary>
    /// <param name="packet">The CONNECT, fixed header included.</param>
    /// <param name="headerLength">Bytes of its fixed header.</param>
    public static string? Read(ReadOnlySpan<byte> packet, int headerLength)
    {
        // Variable header (§3.1.2): protocol name (length-prefixed), level, flags, keep-alive; MQTT 5 adds properties.
        var rest = packet[headerLength..];
        if (!TrySkipString(ref rest) || rest.Length < 4)
        {
            return null;
        }

        var level = rest[0];
        rest = rest[4..];
        if (level == 5 && !TrySkipProperties(ref rest))
        {
            return null;
        }

        if (rest.Length < 2)
        {
            return null;
        }

        var length = (rest[0] << 8) | rest[1];
        return rest.Length < 2 + length ? null : Encoding.UTF8.GetString(rest.Slice(2, length));
    }

    private static bool TrySkipString(ref ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 2)
        {
            return false;
        }

        var length = (rest[0] << 8) | rest[1];
        if (rest.Length < 2 + length)
        {
            return false;
        }

        rest = rest[(2 + length)..];
        return true;
    }

    private static bool TrySkipProperties(ref ReadOnlySpan<byte> rest)
    {
        var length = 0;
        var index = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (index == 4 || index >= rest.Length)
            {
                return false;
            }

            var digit = rest[index++];
            length |= (digit & 0x7F) << shift;
            if ((digit & 0x80) == 0)
            {
                break;
            }
        }

        if (rest.Length < index + length)
        {
            return false;
        }

        rest = rest[(index + length)..];
        return true;
    }
}
