using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests.Durability;

/// <summary>
/// A raw MQTT client acting as a node: born once the controller announces itself, then sending events with unique
/// ids, a fixed number in flight, each slot freed by the EventAck that names it. It records every acknowledged id.
/// </summary>
internal sealed class SendingNode : IAsyncDisposable
{
    /// <summary>The zone the node announces in its birth.</summary>
    public const string Zone = "durability";

    // One key per node id for the whole run: a restarted Controller knows the key its node enrolled with.
    private static readonly ConcurrentDictionary<string, NodeCredentials> Keys = new(StringComparer.Ordinal);

    private readonly IMqttClient _client;
    private readonly ConcurrentDictionary<string, bool> _acknowledged;
    private readonly ConcurrentDictionary<string, bool> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots = new(16);
    private readonly TaskCompletionSource _controllerOnline = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _nodeId;
    private readonly NodeCredentials _credentials;
    private Task _sending = Task.CompletedTask;

    private SendingNode(string nodeId, IMqttClient client, ConcurrentDictionary<string, bool> acknowledged)
    {
        _nodeId = nodeId;
        _credentials = Keys.GetOrAdd(nodeId, NodeCredentials.Create);
        _client = client;
        _acknowledged = acknowledged;
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>
    /// Waits until the controller is ready (a process says so; one hosted in the test is ready when started), enrols
    /// with <see cref="BootstrapToken.ForTests"/> (which the Controller must be configured with), connects with its own
    /// credentials, waits for the controller's online state, sends a birth, then events signed by its key.
    /// </summary>
    public static async Task<SendingNode> ConnectAsync(
        int port, string nodeId, ConcurrentDictionary<string, bool> acknowledged, TimeSpan timeout, ProgramProcess? controller, bool sendEvents = true)
    {
        var node = new SendingNode(nodeId, new MqttClientFactory().CreateMqttClient(), acknowledged);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(nodeId)
            .WithCredentials(node._credentials.Username, node._credentials.Password)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        if (controller is not null)
        {
            await controller.WaitUntilReadyAsync(timeout);
        }

        // Approved again after a restart: the Controller knows this key.
        await NodeEnrolment.EnrolWithTokenAsync("127.0.0.1", port, node._credentials, BootstrapToken.ForTests.Token, timeout);

        var result = await node._client.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);

        await node._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.ControllerState, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.ForNode(nodeId, NodeMessageKind.EventAck), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        await node._controllerOnline.Task.WaitAsync(timeout);
        await node.PublishAsync(NodeMessageKind.Birth, new NodeBirth
        {
            NodeId = nodeId,
            BdSeq = 1,
            Ts = DateTimeOffset.UtcNow,
            Software = "durability-test",
            Hardware = new HardwareProfile { Model = "test", Simulated = true },
            Capabilities = ["events"],
            Zones = [Zone],
            HeartbeatSeconds = 30,
        });
        if (sendEvents)
        {
            node._sending = node.SendEventsAsync();
        }

        return node;
    }

    public Task WaitForFirstAckAsync(TimeSpan timeout) => _firstAck.Task.WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sending;
        }
        catch (Exception exception) when (exception is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // The controller was killed under the sender: that is the point of the test.
        }

        _client.Dispose();
        _stop.Dispose();
        _slots.Dispose();
    }

    private async Task SendEventsAsync()
    {
        var seq = 0;
        while (!_stop.IsCancellationRequested)
        {
            await _slots.WaitAsync(_stop.Token);
            var id = Guid.NewGuid().ToString("N");
            _pending[id] = true;
            seq = (seq + 1) % 256;
            await PublishAsync(NodeMessageKind.Event, new NodeEvent
            {
                Id = id,
                Seq = seq,
                BdSeq = 1,
                Ts = DateTimeOffset.UtcNow,
                Kind = "input.edge",
                Severity = EventSeverity.Info,
            });
        }
    }

    private Task<MqttClientPublishResult> PublishAsync<T>(NodeMessageKind kind, T message)
        where T : class, IWireMessage =>
        _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(Topics.ForNode(_nodeId, kind))
                .WithPayload(kind == NodeMessageKind.Event ? _credentials.Sign(message) : WireCodec.Encode(message))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            _stop.Token);

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        var bytes = message.Payload.ToArray();
        if (message.Topic == Topics.ControllerState)
        {
            if (WireCodec.Decode<ControllerState>(bytes) is { Succeeded: true, Message.Online: true })
            {
                _controllerOnline.TrySetResult();
            }

            return Task.CompletedTask;
        }

        // Signed by the Controller's key when it has one, plain JSON otherwise.
        var signed = SignedPayloadCodec.Parse<EventAck>(bytes);
        var ack = signed.Succeeded ? DecodeResult<EventAck>.Ok(signed.Message!.Message) : WireCodec.Decode<EventAck>(bytes);
        Assert.True(ack.Succeeded, ack.Detail);
        foreach (var id in ack.Message!.Ids)
        {
            _acknowledged[id] = true;
            if (_pending.TryRemove(id, out _))
            {
                _slots.Release();
            }
        }

        _firstAck.TrySetResult();
        return Task.CompletedTask;
    }
}
