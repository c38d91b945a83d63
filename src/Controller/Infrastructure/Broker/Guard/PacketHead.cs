namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>
/// What the guard needs of an MQTT packet before its body is read: the fixed header (type and remaining length,
/// MQTT 3.1.1 §2.2 / MQTT 5 §2.1) and, for a PUBLISH, the class of its topic, which is the first field of the
/// variable header (§3.3.2.1) in both protocol versions.
/// </summary>
/// <param name="Type">Control packet type, the high nibble of the first byte (1 CONNECT, 3 PUBLISH, 8 SUBSCRIBE…).</param>
/// <param name="HeaderLength">Bytes of the fixed header: the first byte and the 1–4 bytes of the remaining length.</param>
/// <param name="RemainingLength">The declared length of everything after the fixed header.</param>
/// <param name="Topic">The topic's class for a PUBLISH; <see cref="TopicClass.Json"/> for other packets.</param>
internal readonly record struct PacketHead(int Type, int HeaderLength, int RemainingLength, TopicClass Topic)
{
    /// <summary>CONNECT, the first packet of a connection.</summary>
    public const int Connect = 1;

    /// <summary>PUBLISH.</summary>
    public const int Publish = 3;

    /// <summary>
    /// Longest topic the guard reads from a packet's head. The tree's topics are a few dozen bytes (ids are at most
    /// 64 characters); anything longer is judged <see cref="TopicClass.Unknown"/> rather than waited for.
    /// </summary>
    public const int TopicWindow = 512;

    /// <summary>The most bytes <see cref="TryRead"/> ever needs buffered to judge a head (a CONNECT aside).</summary>
    public const int LongestHead = 5 + 2 + TopicWindow;

    /// <summary>The whole packet's size: fixed header and remaining length.</summary>
    public long TotalLength => (long)HeaderLength + RemainingLength;

    /// <summary>Reads the head of the packet that starts at <paramref name="received"/>[0].</summary>
    /// <param name="received">The bytes received so far from this packet on (possibly more: the next packets).</param>
    /// <param name="head">The head, when <see cref="HeadReading.Complete"/>.</param>
    /// <param name="needed">When <see cref="HeadReading.NeedMore"/>, how many bytes from the packet's start must be buffered.</param>
    public static HeadReading TryRead(ReadOnlySpan<byte> received, out PacketHead head, out int needed)
    {
        head = default;
        needed = 2;
        if (received.Length < 2)
        {
            return HeadReading.NeedMore;
        }

        // Variable byte integer: seven bits a byte, least significant first, the high bit says another byte follows.
        var remaining = 0;
        var index = 1;
        for (var shift = 0; ; shift += 7)
        {
            if (index == 5)
            {
                return HeadReading.Malformed;
            }

            if (index >= received.Length)
            {
                needed = index + 1;
                return HeadReading.NeedMore;
            }

            var digit = received[index++];
            remaining |= (digit & 0x7F) << shift;
            if ((digit & 0x80) == 0)
            {
                break;
            }
        }

        var type = received[0] >> 4;
        var headerLength = index;
        if (type != Publish)
        {
            head = new PacketHead(type, headerLength, remaining, TopicClass.Json);
            return HeadReading.Complete;
        }

        if (remaining < 2)
        {
            head = new PacketHead(type, headerLength, remaining, TopicClass.Unknown);
            return HeadReading.Complete;
        }

        if (received.Length < headerLength + 2)
        {
            needed = headerLength + 2;
            return HeadReading.NeedMore;
        }

        var topicLength = (received[headerLength] << 8) | received[headerLength + 1];
        if (topicLength == 0 || topicLength > TopicWindow || topicLength + 2 > remaining)
        {
            head = new PacketHead(type, headerLength, remaining, TopicClass.Unknown);
            return HeadReading.Complete;
        }

        if (received.Length < headerLength + 2 + topicLength)
        {
            needed = headerLength + 2 + topicLength;
            return HeadReading.NeedMore;
        }

        var topic = received.Slice(headerLength + 2, topicLength);
        head = new PacketHead(type, headerLength, remaining, TopicClasses.Of(topic));
        return HeadReading.Complete;
    }
}
