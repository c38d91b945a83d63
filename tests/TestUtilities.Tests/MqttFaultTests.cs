using System.Diagnostics;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>The proxy's MQTT awareness against a real in-process broker and real clients.</summary>
public sealed class MqttFaultTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_connection_is_found_by_the_client_id_of_its_connect(MqttProtocolVersion version)
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port);
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", proxy.Port)
            .WithClientId("node-" + version)
            .WithProtocolVersion(version)
            .WithTimeout(Limits.Prompt);
        if (version == MqttProtocolVersion.V500)
        {
            // Properties sit between the keepalive and the client id: the parser must skip them.
            options.WithSessionExpiryInterval(60).WithReceiveMaximum(10);
        }

        var found = proxy.WaitForConnectionAsync("node-" + version, Limits.Prompt);
        await client.ConnectAsync(options.Build());
        var connection = await found;

        Assert.Equal("node-" + version, connection.ClientId);
        Assert.Same(connection, await proxy.WaitForConnectionAsync("node-" + version, Limits.Prompt));
        Assert.True(connection.UpstreamTraffic.PacketsForwarded >= 1);
        Assert.True(connection.DownstreamTraffic.PacketsForwarded >= 1);
        await client.DisconnectAsync();
        Assert.Empty(broker.Errors);
    }

    [Fact]
    public async Task Waiting_for_a_client_that_never_connects_times_out()
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port);
        await using var other = await MqttProbe.ConnectAsync(proxy.Port, "someone-else");

        await Assert.ThrowsAsync<TimeoutException>(() => proxy.WaitForConnectionAsync("nobody", Limits.Quiet));
    }

    [Theory]
    [InlineData(LinkDirection.Upstream)]
    [InlineData(LinkDirection.Downstream)]
    public async Task Qos0_publishes_are_dropped_while_qos1_ones_pass(LinkDirection direction)
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port);
        var upstream = direction == LinkDirection.Upstream;
        await using var subscriber = await MqttProbe.ConnectAsync(upstream ? broker.Port : proxy.Port, "subscriber", "t/#");
        await using var publisher = await MqttProbe.ConnectAsync(upstream ? proxy.Port : broker.Port, "publisher");
        var lossy = new LinkProfile { DropQos0Probability = 1 };
        if (upstream)
        {
            proxy.UpstreamProfile = lossy;
        }
        else
        {
            proxy.DownstreamProfile = lossy;
        }

        await publisher.PublishAsync("t/zero", [0], qos: MqttQualityOfServiceLevel.AtMostOnce);
        await publisher.PublishAsync("t/one", [1], qos: MqttQualityOfServiceLevel.AtLeastOnce);
        await subscriber.WaitForTopicAsync("t/one", Limits.Prompt);

        // One TCP stream, in order: had the QoS 0 publish been forwarded it would have arrived first.
        Assert.Equal(["t/one"], subscriber.Received.Select(message => message.Topic));
        var traffic = upstream ? proxy.UpstreamTraffic : proxy.DownstreamTraffic;
        Assert.Equal(1, traffic.Qos0PublishesDropped);
        Assert.Empty(broker.Errors);
    }

    [Fact]
    public async Task A_drop_probability_loses_some_qos0_publishes_and_keeps_the_rest()
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port, random: new Random(2024));
        await using var subscriber = await MqttProbe.ConnectAsync(broker.Port, "subscriber", "t/#");
        await using var publisher = await MqttProbe.ConnectAsync(proxy.Port, "publisher");
        proxy.UpstreamProfile = new LinkProfile { DropQos0Probability = 0.5 };
        const int Count = 200;

        for (var i = 0; i < Count; i++)
        {
            await publisher.PublishAsync("t/zero", [(byte)i], qos: MqttQualityOfServiceLevel.AtMostOnce);
        }

        await publisher.PublishAsync("t/end", [], qos: MqttQualityOfServiceLevel.AtLeastOnce);
        await subscriber.WaitForTopicAsync("t/end", Limits.Prompt);

        var delivered = subscriber.Received.Count(message => message.Topic == "t/zero");
        var dropped = proxy.UpstreamTraffic.Qos0PublishesDropped;
        Assert.Equal(Count, delivered + dropped);
        Assert.InRange(dropped, Count / 4, Count * 3 / 4);
    }

    [Fact]
    public async Task Half_a_publish_then_a_cut_makes_the_broker_drop_the_client_and_carry_on()
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        var dropped = new TaskCompletionSource<MqttClientDisconnectType>(TaskCreationOptions.RunContinuationsAsynchronously);
        broker.Server.ClientDisconnectedAsync += e =>
        {
            if (e.ClientId == "victim")
            {
                dropped.TrySetResult(e.DisconnectType);
            }

            return Task.CompletedTask;
        };
        await using var proxy = new LoopbackTcpProxy(broker.Port);
        await using var watcher = await MqttProbe.ConnectAsync(broker.Port, "watcher", "t/#");
        await using var victim = await MqttProbe.ConnectAsync(proxy.Port, "victim");
        var connection = await proxy.WaitForConnectionAsync("victim", Limits.Prompt);

        var cut = connection.CutMidPacket(LinkDirection.Upstream);
        await victim.PublishAsync("t/torn", new byte[1000], qos: MqttQualityOfServiceLevel.AtMostOnce);
        await cut.WaitAsync(Limits.Prompt);

        Assert.Equal(MqttClientDisconnectType.NotClean, await dropped.Task.WaitAsync(Limits.Prompt));
        await watcher.PublishAsync("t/after", [1]);
        await watcher.WaitForTopicAsync("t/after", Limits.Prompt);
        Assert.DoesNotContain(watcher.Received, message => message.Topic == "t/torn");
        Assert.Empty(broker.Errors);
    }

    [Fact]
    public async Task Half_a_packet_then_a_cut_reaches_the_receiver_as_a_partial_packet_and_a_reset()
    {
        await using var server = TestTcpServer.StartSilent();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var client = await Wire.ConnectAsync(proxy.Port);
        var serverSide = await server.AcceptAsync();
        var connect = MqttBytes.Connect311("raw-node");
        await client.GetStream().WriteAsync(connect);
        Assert.Equal(connect, await Wire.ReadExactlyAsync(serverSide.Stream, connect.Length));
        var connection = await proxy.WaitForConnectionAsync("raw-node", Limits.Prompt);

        var cut = connection.CutMidPacket(LinkDirection.Upstream);
        var publish = MqttBytes.Publish("t", 97, 1);
        await client.GetStream().WriteAsync(publish);
        await cut.WaitAsync(Limits.Prompt);

        var (received, failure) = await Wire.ReadUntilFailureAsync(serverSide.Stream);
        Assert.Equal(publish[..(publish.Length / 2)], received);
        Assert.True(Wire.IsReset(failure), $"the server saw {failure?.ToString() ?? "an orderly close"}");
        await Wire.AssertResetAsync(client.GetStream());
        Assert.Equal(1, connection.UpstreamTraffic.PacketsForwarded);
    }

    [Fact]
    public async Task A_black_hole_makes_an_mqtt_connect_time_out()
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port);
        var connected = 0;
        broker.Server.ClientConnectedAsync += _ =>
        {
            Interlocked.Increment(ref connected);
            return Task.CompletedTask;
        };
        proxy.NewConnections = NewConnectionMode.BlackHole;
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", proxy.Port)
            .WithClientId("hopeful")
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(1))
            .Build();

        var started = Stopwatch.GetTimestamp();
        await Assert.ThrowsAnyAsync<MqttCommunicationException>(() => client.ConnectAsync(options)).WaitAsync(Limits.Prompt);

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.9), "the connect gave up before its timeout");
        Assert.Equal(0, Volatile.Read(ref connected));
        Assert.Equal(0, proxy.AcceptedConnections);
    }

    [Fact]
    public async Task A_black_holed_connect_is_found_by_its_client_id_and_counted()
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port);
        proxy.NewConnections = NewConnectionMode.BlackHole;
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", proxy.Port)
            .WithClientId("hopeful")
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build();
        using var giveUp = new CancellationTokenSource();

        var seen = proxy.WaitForBlackHoledAsync("hopeful", Limits.Prompt);
        var connecting = client.ConnectAsync(options, giveUp.Token);
        await seen;

        // Found while the client still waits for its CONNACK, and found again once it is there.
        Assert.False(connecting.IsCompleted);
        await proxy.WaitForBlackHoledAsync("hopeful", Limits.Prompt);
        await Assert.ThrowsAsync<TimeoutException>(() => proxy.WaitForBlackHoledAsync("someone-else", Limits.Quiet));
        Assert.Equal((1, 0), (proxy.BlackHoledConnections, proxy.AcceptedConnections));
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => connecting).WaitAsync(Limits.Prompt);
        Assert.Empty(proxy.Connections);
    }

    [Fact]
    public async Task Refuse_makes_an_mqtt_connect_fail_at_once()
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port);
        proxy.NewConnections = NewConnectionMode.Refuse;
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", proxy.Port)
            .WithClientId("hopeful")
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build();

        var started = Stopwatch.GetTimestamp();
        await Assert.ThrowsAnyAsync<MqttCommunicationException>(() => client.ConnectAsync(options)).WaitAsync(Limits.Prompt);

        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(15), "a refusal should not wait for the 30 s timeout");
        Assert.Equal(0, proxy.AcceptedConnections);
    }

    [Fact]
    public async Task Retargeting_and_cutting_moves_clients_from_one_broker_to_another()
    {
        await using var brokerA = await EmbeddedTestBroker.StartAsync();
        await using var brokerB = await EmbeddedTestBroker.StartAsync();
        var seenByB = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        brokerB.Server.ClientConnectedAsync += e =>
        {
            seenByB.TrySetResult(e.ClientId);
            return Task.CompletedTask;
        };
        await using var proxy = new LoopbackTcpProxy(brokerA.Port);
        using (var first = new MqttClientFactory().CreateMqttClient())
        {
            await first.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", proxy.Port)
                .WithClientId("node-1")
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithTimeout(Limits.Prompt)
                .Build());
            Assert.Equal(brokerA.Port, (await proxy.WaitForConnectionAsync("node-1", Limits.Prompt)).TargetPort);

            // Failover: the next connection goes to B; the cut makes the client need one.
            proxy.TargetPort = brokerB.Port;
            proxy.CutAll();
        }

        await using var again = await MqttProbe.ConnectAsync(proxy.Port, "node-1");

        Assert.Equal(brokerB.Port, (await proxy.WaitForConnectionAsync("node-1", Limits.Prompt)).TargetPort);
        Assert.Equal("node-1", await seenByB.Task.WaitAsync(Limits.Prompt));
    }
}
