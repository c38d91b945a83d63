using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>A raw MQTTnet client with chosen credentials and client id, collecting what it receives.</summary>
internal sealed class BrokerClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private BrokerClient(IMqttClient client)
    {
        Client = client;
        client.ApplicationMessageReceivedAsync += args =>
        {
            Received.Writer.TryWrite((args.ApplicationMessage.Topic, args.ApplicationMessage.ConvertPayloadToString(), args.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += args =>
        {
            if (args.ClientWasConnected)
            {
                Disconnected.TrySetResult(args.Reason);
            }

            return Task.CompletedTask;
        };
    }

    public IMqttClient Client { get; }

    public MqttClientConnectResult? Result { get; private set; }

    public Channel<(string Topic, string Payload, bool Retained)> Received { get; } = Channel.CreateUnbounded<(string, string, bool)>();

    public TaskCompletionSource<MqttClientDisconnectReason> Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MqttClientConnectResultCode ResultCode => Result!.ResultCode;

    public static async Task<BrokerClient> ConnectAsync(
        int port, string? username, string? password, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var client = new BrokerClient(new MqttClientFactory().CreateMqttClient());
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(version)
            .WithCleanSession(true)
            .WithTimeout(Timeout);
        if (username is not null)
        {
            options.WithCredentials(username, password);
        }

        // A refused CONNACK comes back as a result code, not an exception.
        client.Result = await client.Client.ConnectAsync(options.Build());
        return client;
    }

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        var result = await Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return Assert.Single(result.Items).ResultCode;
    }

    public async Task PublishAsync(string topic, string payload, bool retain = false)
    {
        await Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }

    /// <summary>The next message received on <paramref name="topic"/>, skipping others.</summary>
    public async Task<(string Topic, string Payload, bool Retained)> NextOnAsync(string topic)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var message = await Received.Reader.ReadAsync(timeout.Token);
            if (message.Topic == topic)
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Everything routed live until a message on <paramref name="marker"/> arrived (the marker excluded); retained
    /// messages handed over on subscribing are skipped, since they are what the genuine publisher left.
    /// </summary>
    public async Task<List<string>> TopicsBeforeAsync(string marker)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var topics = new List<string>();
        while (true)
        {
            var message = await Received.Reader.ReadAsync(timeout.Token);
            if (message.Topic == marker)
            {
                return topics;
            }

            if (!message.Retained)
            {
                topics.Add(message.Topic);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Client.IsConnected)
        {
            await Client.DisconnectAsync();
        }

        Client.Dispose();
    }
}
