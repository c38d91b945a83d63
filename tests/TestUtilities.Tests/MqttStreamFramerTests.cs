using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>The framer on exact bytes: packet boundaries, varints, CONNECT parsing and giving up on garbage.</summary>
public sealed class MqttStreamFramerTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    [InlineData(2_097_151)]
    [InlineData(2_097_152)]
    public void Packets_are_framed_whole_across_varint_sizes_and_arbitrary_reads(int remainingLength)
    {
        var connect = MqttBytes.Connect311("node-1");
        var publish = MqttBytes.Packet(0x32, new byte[remainingLength]);
        var ping = MqttBytes.Packet(0xC0, []);
        byte[] stream = [.. connect, .. publish, .. ping];

        var segments = FeedInChunks(LinkDirection.Upstream, stream, 1000);

        Assert.Equal([1, 3, 12], segments.Select(segment => segment.PacketType));
        Assert.Equal(stream, segments.SelectMany(segment => segment.Bytes));
        Assert.Equal(1, segments[1].Qos);
        Assert.Equal("node-1", segments[0].ClientId);
    }

    [Fact]
    public void A_packet_fed_one_byte_at_a_time_comes_out_once_complete()
    {
        byte[] stream = [.. MqttBytes.ConnAck(), .. MqttBytes.Publish("t", 300, 0)];

        var segments = FeedInChunks(LinkDirection.Downstream, stream, 1);

        Assert.Equal([2, 3], segments.Select(segment => segment.PacketType));
        Assert.True(segments[1].IsQos0Publish);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("\u0030\u0002AB")]
    [InlineData("\u0010\u0010\u0000\u0004MQXX")]
    public void A_stream_that_does_not_open_like_mqtt_is_raw(string opening)
    {
        var framer = new MqttStreamFramer(LinkDirection.Upstream);
        var output = new List<WireSegment>();
        var bytes = opening.Select(character => (byte)character).ToArray();

        framer.Feed(bytes, output);
        framer.Feed(MqttBytes.Publish("t", 1, 0), output);

        Assert.True(framer.IsRaw);
        Assert.All(output, segment => Assert.Null(segment.PacketType));
        Assert.Equal([.. bytes, .. MqttBytes.Publish("t", 1, 0)], output.SelectMany(segment => segment.Bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(new byte[] { 0x36, 0x00 })]
    [InlineData(new byte[] { 0x80, 0x00 })]
    [InlineData(new byte[] { 0x00, 0x00 })]
    public void Framing_gives_up_at_the_first_malformed_header_and_keeps_what_came_before(byte[] malformed)
    {
        var framer = new MqttStreamFramer(LinkDirection.Upstream);
        var output = new List<WireSegment>();
        var connect = MqttBytes.Connect311("a");

        framer.Feed([.. connect, .. malformed], output);

        Assert.True(framer.IsRaw);
        Assert.Equal(2, output.Count);
        Assert.Equal(1, output[0].PacketType);
        Assert.Null(output[1].PacketType);
        Assert.Equal(malformed, output[1].Bytes);
    }

    [Fact]
    public void An_incomplete_packet_at_the_end_of_the_stream_is_flushed_as_raw()
    {
        var framer = new MqttStreamFramer(LinkDirection.Upstream);
        var output = new List<WireSegment>();
        var publish = MqttBytes.Publish("t", 10, 1);

        framer.Feed([.. MqttBytes.Connect311("a"), .. publish[..5]], output);
        framer.Flush(output);

        Assert.Equal(publish[..5], output[^1].Bytes);
        Assert.Null(output[^1].PacketType);
    }

    [Fact]
    public void The_client_id_is_read_from_mqtt_31_311_and_5_connects()
    {
        Assert.Equal("old", MqttWire.ReadConnectClientId(MqttBytes.Connect31("old")));
        Assert.Equal("node-7", MqttWire.ReadConnectClientId(MqttBytes.Connect311("node-7")));
        Assert.Equal("xã-an-bình", MqttWire.ReadConnectClientId(MqttBytes.Connect5("xã-an-bình")));
        Assert.Equal(string.Empty, MqttWire.ReadConnectClientId(MqttBytes.Connect311(string.Empty)));
    }

    [Fact]
    public void A_truncated_or_foreign_connect_yields_no_client_id()
    {
        var connect = MqttBytes.Connect5("node-7");

        Assert.Null(MqttWire.ReadConnectClientId(connect.AsSpan(0, connect.Length - 3)));
        Assert.Null(MqttWire.ReadConnectClientId(MqttBytes.ConnAck()));
        Assert.Null(MqttWire.ReadConnectClientId([0x10]));
    }

    private static List<WireSegment> FeedInChunks(LinkDirection direction, byte[] stream, int chunk)
    {
        var framer = new MqttStreamFramer(direction);
        var output = new List<WireSegment>();
        for (var offset = 0; offset < stream.Length; offset += chunk)
        {
            framer.Feed(stream.AsSpan(offset, Math.Min(chunk, stream.Length - offset)), output);
        }

        Assert.False(framer.IsRaw);
        return output;
    }
}
