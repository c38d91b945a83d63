using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests;

/// <summary>
/// Issue 10, bounded resources: the embedded broker refuses a packet larger than its cap while reading it, before its
/// body is buffered, and closes a connection that publishes faster than the rate allows. The controller in-process,
/// real MQTTnet clients, raw sockets for what no library would send, and Debian's <c>mosquitto_pub</c>.
/// </summary>
public sealed class BrokerPacketLimitsTests : IDisposable
{
    private const string JsonCapSeries = "sl_broker_refused_total{reason=\"packet-too-large\"}";
    private readonly BrokerTestHost _broker;
    private readonly ControllerHost _host;

    public BrokerPacketLimitsTests()
    {
        _broker = new BrokerTestHost(new Dictionary<string, string?>
        {
            ["Broker:PublishBurst"] = "5",
            ["Broker:MaxPublishesPerSecond"] = "1",
        });
        _host = _broker.Host;
    }

    public void Dispose() => _broker.Dispose();

    [Fact]
    public async Task A_publish_exactly_at_the_json_cap_is_delivered_and_one_byte_more_closes_the_connection()
    {
        var delivered = await SubscribeAsync("sl/v1/node/+/health");
        var node = await ConnectAsync("n1");
        const string topic = "sl/v1/node/n1/health";

        // Whole packet 17,408 bytes: fixed header 1 + 3, topic 2 + 20, packet id 2, payload 17,380.
        await node.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(new byte[17_380]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(17_380, (await delivered.Reader.ReadAsync().AsTask().WaitAsync(ControllerHost.Timeout)).Payload.Length);

        var closed = Closed(node);
        _ = node.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(new byte[17_381]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await closed;

        Assert.Equal(1, await _host.MetricAsync(JsonCapSeries));
        Assert.False(delivered.Reader.TryRead(out _));
        var line = Assert.Single(_host.Logs.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("packet-too-large", StringComparison.Ordinal));
        Assert.Contains("client n1 from 127.0.0.1:", line.Message, StringComparison.Ordinal);
        Assert.Contains("17409 bytes, over the 17408-byte cap (Broker:MaxJsonPacketBytes)", line.Message, StringComparison.Ordinal);
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task A_connect_and_a_publish_sent_a_byte_at_a_time_are_read_whole()
    {
        var delivered = await SubscribeAsync("sl/v1/node/+/event");
        using var raw = await RawAsync();

        await raw.SendBytewiseAsync(RawMqtt.Connect("n2", username: "n2", password: _host.PutNode("n2", "thon-1")));
        Assert.Equal([0x20, 0x02, 0x00, 0x00], await raw.ReceiveAsync(4));
        await raw.SendBytewiseAsync(RawMqtt.Publish("sl/v1/node/n2/event", [.. "{}"u8], packetId: 7));

        Assert.Equal([0x40, 0x02, 0x00, 0x07], await raw.ReceiveAsync(4));
        Assert.Equal("sl/v1/node/n2/event", (await delivered.Reader.ReadAsync().AsTask().WaitAsync(ControllerHost.Timeout)).Topic);
    }

    [Fact]
    public async Task A_connect_over_the_control_cap_is_refused_before_any_answer()
    {
        using var raw = await RawAsync();

        Assert.True(await raw.TrySendAsync(RawMqtt.Connect("n3", willPayloadBytes: 5000)));
        await raw.WaitClosedAsync();

        Assert.Equal(1, await _host.MetricAsync(JsonCapSeries));
        Assert.Contains(_host.Logs.Lines, line => line.Message.Contains("client (before CONNECT)", StringComparison.Ordinal)
            && line.Message.Contains("a CONNECT of 5", StringComparison.Ordinal)
            && line.Message.Contains("Broker:MaxControlPacketBytes", StringComparison.Ordinal));
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task A_subscribe_over_the_control_cap_closes_the_connection()
    {
        var client = await ConnectAsync("obs-big");
        var closed = Closed(client);
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        for (var i = 0; i < 30; i++)
        {
            subscribe.WithTopicFilter($"sl/v1/node/{new string('x', 150)}-{i}/health");
        }

        _ = client.SubscribeAsync(subscribe.Build());
        await closed;

        Assert.Equal(1, await _host.MetricAsync(JsonCapSeries));
        Assert.Contains(_host.Logs.Lines, line => line.Message.Contains("client obs-big", StringComparison.Ordinal) && line.Message.Contains("a SUBSCRIBE of", StringComparison.Ordinal));
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task Mosquitto_pub_of_a_100_KB_file_on_a_json_topic_is_refused()
    {
        var file = Path.Combine(_broker.DataDirectory, "bigfile");
        await File.WriteAllBytesAsync(file, new byte[100_000]);
        var delivered = await SubscribeAsync("sl/v1/node/+/health");

        using var process = Process.Start(new ProcessStartInfo(
            "mosquitto_pub", ["-h", "127.0.0.1", "-p", _host.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "x", "-u", "x", "-P", _host.PutNode("x", "thon-1"), "-q", "1", "-t", "sl/v1/node/x/health", "-f", file])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        await process.WaitForExitAsync().WaitAsync(ControllerHost.Timeout);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Equal(1, await _host.MetricAsync(JsonCapSeries));
        Assert.Contains(_host.Logs.Lines, line => line.Message.Contains("client x from", StringComparison.Ordinal) && line.Message.Contains("Broker:MaxJsonPacketBytes", StringComparison.Ordinal));
        Assert.False(delivered.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_client_publishing_beyond_its_burst_is_disconnected_while_the_controller_is_not_held_to_it()
    {
        var node = await ConnectAsync("n4");
        var message = new MqttApplicationMessageBuilder().WithTopic("sl/v1/node/n4/event").WithPayload("{}"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

        // The test's clock stands still: the burst of five and not one more.
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await node.PublishAsync(message)).IsSuccess);
        }

        var closed = Closed(node);
        _ = node.PublishAsync(message);
        await closed;

        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"publish-rate\"}"));
        Assert.Contains(_host.Logs.Lines, line => line.Message.Contains("client n4", StringComparison.Ordinal) && line.Message.Contains("publish-rate", StringComparison.Ordinal));

        // The controller fans out to the whole fleet in bursts, on the same standing clock.
        var fanOut = await SubscribeAsync("sl/v1/all/cmd");
        var publisher = _host.Services.GetRequiredService<IMqttPublisher>();
        for (var i = 0; i < 20; i++)
        {
            Assert.True(await publisher.PublishAsync("sl/v1/all/cmd", "{}"u8.ToArray(), atLeastOnce: true, retain: false, CancellationToken.None));
        }

        for (var i = 0; i < 20; i++)
        {
            await fanOut.Reader.ReadAsync().AsTask().WaitAsync(ControllerHost.Timeout);
        }

        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"publish-rate\"}"));
        _host.AssertNoErrors();
    }

    private async Task<RawMqttClient> RawAsync()
    {
        var raw = await RawMqttClient.ConnectAsync(_host.MqttPort);
        _broker.Own(raw);
        return raw;
    }

    /// <summary>A connected client (<see cref="BrokerAccounts.ConnectAsync"/>), disposed with the test.</summary>
    private async Task<IMqttClient> ConnectAsync(string clientId)
    {
        return _broker.Own(await _host.ConnectAsync(clientId));
    }

    /// <summary>An observer subscribed to <paramref name="filter"/>; the channel yields what it receives.</summary>
    private async Task<System.Threading.Channels.Channel<MqttApplicationMessage>> SubscribeAsync(string filter)
    {
        var received = System.Threading.Channels.Channel.CreateUnbounded<MqttApplicationMessage>();
        var observer = await ConnectAsync("obs-" + Guid.NewGuid().ToString("N")[..8]);
        observer.ApplicationMessageReceivedAsync += args =>
        {
            received.Writer.TryWrite(args.ApplicationMessage);
            return Task.CompletedTask;
        };
        await observer.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        return received;
    }

    private static Task Closed(IMqttClient client)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task.WaitAsync(ControllerHost.Timeout);
    }
}
