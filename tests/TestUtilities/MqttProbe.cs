using System.Buffers;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>
/// A plain MQTT client for tests: it records what it receives, waits for a message by predicate (no sleeps),
/// and publishes raw bytes, including the malformed ones a test wants to throw at a component.
/// </summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient client;
    private readonly List<ReceivedMessage> received = [];
    private readonly List<(Func<ReceivedMessage, bool> Match, TaskCompletionSource<ReceivedMessage> Done)> waiters = [];
    private readonly Lock gate = new();

    private MqttProbe(IMqttClient client)
    {
        this.client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            var message = new ReceivedMessage(
                e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain, DateTimeOffset.UtcNow);
            lock (gate)
            {
                received.Add(message);
                foreach (var waiter in waiters.Where(w => w.Match(message)).ToList())
                {
                    waiters.Remove(waiter);
                    waiter.Done.TrySetResult(message);
                }
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Everything received so far, in order.</summary>
    public IReadOnlyList<ReceivedMessage> Received
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Connects as <paramref name="clientId"/> (MQTT 3.1.1) and subscribes to <paramref name="topicFilters"/>.</summary>
    public static Task<MqttProbe> ConnectAsync(int port, string clientId, params string[] topicFilters) =>
        ConnectCoreAsync(port, clientId, username: null, password: null, topicFilters);

    /// <summary>
    /// Connects as <paramref name="clientId"/> (MQTT 3.1.1) with <paramref name="username"/> and
    /// <paramref name="password"/>, as a broker that refuses anonymous clients requires (the Controller's observer
    /// account, an enrolled node, the enrolment account), and subscribes to <paramref name="topicFilters"/>.
    /// </summary>
    public static Task<MqttProbe> ConnectAsAsync(int port, string clientId, string username, string password, params string[] topicFilters) =>
        ConnectCoreAsync(
            port,
            clientId,
            username ?? throw new ArgumentNullException(nameof(username)),
            password ?? throw new ArgumentNullException(nameof(password)),
            topicFilters);

    private static async Task<MqttProbe> ConnectCoreAsync(int port, string clientId, string? username, string? password, string[] topicFilters)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var probe = new MqttProbe(client);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession()
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (username is not null)
        {
            builder = builder.WithCredentials(username, password);
        }

        var result = await client.ConnectAsync(builder.Build());
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"Probe '{clientId}' was refused: {result.ResultCode}.");
        }

        foreach (var filter in topicFilters)
        {
            await client.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return probe;
    }

    /// <summary>The first message (already received or still to come) that matches, or a timeout.</summary>
    public Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> match, TimeSpan timeout)
    {
        lock (gate)
        {
            var earlier = received.FirstOrDefault(match);
            if (earlier is not null)
            {
                return Task.FromResult(earlier);
            }

            var done = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((match, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    /// <summary>Waits for a message on exactly <paramref name="topic"/>.</summary>
    public Task<ReceivedMessage> WaitForTopicAsync(string topic, TimeSpan timeout) =>
        WaitForAsync(message => message.Topic == topic, timeout);

    /// <summary>Publishes raw bytes (QoS 1 unless told otherwise).</summary>
    public Task PublishAsync(string topic, byte[] payload, bool retain = false, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build());

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // A test cut the link and the client has not noticed yet; there is nobody left to say goodbye to.
        }

        client.Dispose();
    }
}
