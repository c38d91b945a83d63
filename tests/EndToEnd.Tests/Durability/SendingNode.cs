using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests.Durability;

/// <summary>
/// A raw MQTT client acting as a node: born once the controller announces itself, then sending events with unique
/// ids, a fixed number in flight, each slot freed by the EventAck that names it. It records every acknowledged id.
/// </summary>
internal sealed class SendingNode : IAsyncDisposable
{
    /// <summary>The zone the node announces in its birth.</summary>
    public const string Zone = "durability";

    private readonly IMqttClient _client;
    private readonly ConcurrentDictionary<string, bool> _acknowledged;
    private readonly ConcurrentDictionary<string, bool> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots = new(16);
    private readonly TaskCompletionSource _controllerOnline = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _nodeId;
    private Task _sending = Task.CompletedTask;

    private SendingNode(string nodeId, IMqttClient client, ConcurrentDictionary<string, bool> acknowledged)
    {
        _nodeId = nodeId;
        _client = client;
        _acknowledged = acknowledged;
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>
    /// Waits until the controller is ready (a process says so; one hosted in the test is ready when started), connects,
    /// waits for its online state, sends a birth, then events.
    /// </summary>
    public static async Task<SendingNode> ConnectAsync(
        int port, string nodeId, ConcurrentDictionary<string, bool> acknowledged, TimeSpan timeout, ProgramProcess? controller, bool sendEvents = true)
    {
        var node = new SendingNode(nodeId, new MqttClientFactory().CreateMqttClient(), acknowledged);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(nodeId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        if (controller is not null)
        {
            await controller.WaitUntilReadyAsync(timeout);
        }

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
                .WithPayload(WireCodec.Encode(message))
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

        var ack = WireCodec.Decode<EventAck>(bytes);
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
