using System.Net;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Broker;

/// <summary>
/// The guard on its own, over a stream that serves a connection's bytes: it hands on every packet it lets through
/// unchanged however the bytes are split, and refuses a packet on its head, before reading the body.
/// </summary>
public sealed class PacketGuardStreamTests
{
    private const string ControllerId = "controller-0123456789abcdef";
    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 40000);
    private readonly List<GuardRefusal> _refusals = [];
    private readonly FakeTimeProvider _clock = new();

    public static TheoryData<int> ReadSplits => [1, 2, 3, 7, 4096, int.MaxValue];

    [Theory]
    [MemberData(nameof(ReadSplits))]
    public async Task Packets_split_over_reads_or_packed_into_one_read_pass_unchanged(int bytesPerRead)
    {
        byte[] connection =
        [
            .. RawMqtt.Connect("node-1"),
            .. RawMqtt.Subscribe("sl/v1/node/node-1/cmd", "sl/v1/controller/keys/+"),
            .. RawMqtt.PublishOfSize("sl/v1/node/node-1/health", 1000, packetId: 1),
            .. RawMqtt.PublishOfSize("sl/v1/node/node-1/audio/s1", 8192),
            0xC0, 0x00, // PINGREQ, no body
            .. RawMqtt.PublishOfSize("sl/v1/zone/z1/media/m1/7", 65_536, packetId: 2),
            .. RawMqtt.PublishOfSize("sl/v1/node/node-1/event", 17_408, packetId: 3),
        ];
        var guard = Guard(new TrickleStream(connection, bytesPerRead: bytesPerRead));

        var handedOn = await ReadToEndAsync(guard);

        Assert.Equal(connection, handedOn);
        Assert.Empty(_refusals);
        Assert.Equal("node-1", guard.ClientId);
    }

    [Fact]
    public async Task A_publish_declaring_100_MB_is_refused_on_its_head_and_its_body_is_not_read()
    {
        var connect = RawMqtt.Connect("node-1");
        var head = RawMqtt.PublishHead("sl/v1/node/node-1/health", 100_000_000);
        var connection = new TrickleStream([.. connect, .. head], zeros: 100_000_000 - (head.Length - 5));
        var guard = Guard(connection);

        var handedOn = await ReadToEndAsync(guard);

        Assert.Equal(connect, handedOn);
        var refusal = Assert.Single(_refusals);
        Assert.Equal(("packet-too-large", "node-1", Client), (refusal.Reason, refusal.ClientId, refusal.Endpoint));
        Assert.Contains("Broker:MaxJsonPacketBytes", refusal.Detail, StringComparison.Ordinal);
        Assert.True(connection.Served < 4096, $"{connection.Served} bytes were read");
    }

    [Theory]
    [InlineData("sl/v1/node/node-1/health", 17_408)]
    [InlineData("sl/v1/controller/state", 17_408)]
    [InlineData("sl/v1/node/node-1/audio/s1", 9216)]
    [InlineData("sl/v1/zone/z1/audio/s1", 9216)]
    [InlineData("sl/v1/all/audio/s1", 9216)]
    [InlineData("sl/v1/node/node-1/media/m1/0", 65_536)]
    [InlineData("sl/v1/zone/z1/media/m1/12", 65_536)]
    [InlineData("sl/v1/all/media/m1/3", 65_536)]
    [InlineData("", 9216)] // an MQTT 5 topic alias: the strictest class
    public async Task A_publish_exactly_at_its_topic_class_cap_passes_and_one_byte_more_is_refused(string topic, int cap)
    {
        var atCap = RawMqtt.PublishOfSize(topic, cap, packetId: 1);
        Assert.Equal(atCap, await ReadToEndAsync(Guard(new TrickleStream(atCap))));
        Assert.Empty(_refusals);

        var over = RawMqtt.PublishOfSize(topic, cap + 1, packetId: 1);
        Assert.Empty(await ReadToEndAsync(Guard(new TrickleStream(over))));
        Assert.Equal("packet-too-large", Assert.Single(_refusals).Reason);
    }

    [Fact]
    public async Task A_connect_or_subscribe_over_the_control_cap_is_refused_and_one_at_the_cap_passes()
    {
        var connectAtCap = PadToSize(size => RawMqtt.Connect("node-1", size), 4096);
        var subscribeAtCap = RawMqtt.Subscribe(new string('a', 4096 - 8));
        Assert.Equal(4096, subscribeAtCap.Length);
        byte[] accepted = [.. connectAtCap, .. subscribeAtCap];
        Assert.Equal(accepted, await ReadToEndAsync(Guard(new TrickleStream(accepted, bytesPerRead: 100))));
        Assert.Empty(_refusals);

        var connectOver = PadToSize(size => RawMqtt.Connect("node-1", size), 4097);
        Assert.Empty(await ReadToEndAsync(Guard(new TrickleStream(connectOver))));
        var refusedConnect = Assert.Single(_refusals);
        Assert.Null(refusedConnect.ClientId);
        Assert.Contains("CONNECT", refusedConnect.Detail, StringComparison.Ordinal);

        var connect = RawMqtt.Connect("node-1");
        byte[] subscribeOver = [.. connect, .. RawMqtt.Subscribe(new string('a', 4097 - 8))];
        Assert.Equal(connect, await ReadToEndAsync(Guard(new TrickleStream(subscribeOver))));
        Assert.Contains("SUBSCRIBE", _refusals[^1].Detail, StringComparison.Ordinal);
        Assert.Equal("node-1", _refusals[^1].ClientId);
    }

    [Fact]
    public async Task A_remaining_length_over_four_bytes_is_refused_as_malformed()
    {
        Assert.Empty(await ReadToEndAsync(Guard(new TrickleStream([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]))));
        Assert.Equal("malformed-packet", Assert.Single(_refusals).Reason);
    }

    [Fact]
    public async Task Publishes_beyond_the_burst_are_refused_until_the_clock_refills_the_bucket()
    {
        var connect = RawMqtt.Connect("node-1");
        var publish = RawMqtt.Publish("sl/v1/node/node-1/event", [1, 2, 3], packetId: 1);
        var options = new BrokerOptions { PublishBurst = 3, MaxPublishesPerSecond = 2 };
        byte[] connection = [.. connect, .. publish, .. publish, .. publish, .. publish, .. publish, .. publish];
        var guard = Guard(new TrickleStream(connection), options);
        var reader = new byte[connection.Length];

        // CONNECT and the burst of three, then the bucket is empty.
        Assert.Equal(connect.Length + (3 * publish.Length), await ReadAsync(guard, reader, connect.Length + (3 * publish.Length)));
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(publish.Length, await ReadAsync(guard, reader, publish.Length));
        Assert.Empty(_refusals);

        Assert.Equal(0, await guard.ReadAsync(reader));
        var refusal = Assert.Single(_refusals);
        Assert.Equal(("publish-rate", "node-1"), (refusal.Reason, refusal.ClientId));
    }

    [Fact]
    public async Task The_controllers_own_client_is_not_held_to_the_publish_rate()
    {
        var publish = RawMqtt.Publish("sl/v1/all/cmd", [1, 2, 3], packetId: 1);
        var connection = new List<byte>(RawMqtt.Connect(ControllerId));
        for (var i = 0; i < 50; i++)
        {
            connection.AddRange(publish);
        }

        var guard = Guard(new TrickleStream([.. connection]), new BrokerOptions { PublishBurst = 3, MaxPublishesPerSecond = 1 });

        Assert.Equal(connection.ToArray(), await ReadToEndAsync(guard));
        Assert.Empty(_refusals);
    }

    private PacketGuardStream Guard(Stream connection, BrokerOptions? options = null) =>
        new(connection, new PacketLimits(options ?? new BrokerOptions(), ControllerId), _clock, Client, _refusals.Add);

    /// <summary>Reads as MQTTnet's channel adapter does: two bytes of fixed header, single bytes, then chunks of up to 4 KiB.</summary>
    private static async Task<byte[]> ReadToEndAsync(Stream guard)
    {
        int[] sizes = [2, 1, 1, 4096, 7];
        var all = new List<byte>();
        var buffer = new byte[4096];
        for (var i = 0; ; i++)
        {
            var read = await guard.ReadAsync(buffer.AsMemory(0, sizes[i % sizes.Length]));
            if (read == 0)
            {
                return [.. all];
            }

            all.AddRange(buffer.AsSpan(0, read));
        }
    }

    private static async Task<int> ReadAsync(Stream guard, byte[] buffer, int count)
    {
        var total = 0;
        while (total < count)
        {
            var read = await guard.ReadAsync(buffer.AsMemory(total, count - total));
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static byte[] PadToSize(Func<int, byte[]> withPadding, int size)
    {
        for (var padding = 1; padding < size; padding++)
        {
            var packet = withPadding(padding);
            if (packet.Length == size)
            {
                return packet;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(size));
    }
}
