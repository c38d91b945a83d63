using System.Buffers;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// A raw MQTTnet client playing a node: client id = node id (unless a test lies), a Will carrying its death, and
/// a subscription to its event acknowledgements. Connecting waits for the controller's retained online state, as a
/// real node does before its birth, so the controller is known to be subscribed.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Channel<EventAck> _acks = Channel.CreateUnbounded<EventAck>();
    private readonly TaskCompletionSource<ControllerState> _controllerOnline = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestNode(NodeCredentials credentials, IMqttClient client)
    {
        Credentials = credentials;
        Client = client;
    }

    public string NodeId => Credentials.NodeId;

    /// <summary>The node's key and broker password (enrolled with the Controller before it connected).</summary>
    public NodeCredentials Credentials { get; }

    public IMqttClient Client { get; }

    public static async Task<TestNode> ConnectAsync(int port, NodeCredentials credentials, int bdSeq = 1, string? clientId = null)
    {
        var nodeId = credentials.NodeId;
        var client = new MqttClientFactory().CreateMqttClient();
        var node = new TestNode(credentials, client);
        client.ApplicationMessageReceivedAsync += node.OnMessageAsync;
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId ?? nodeId)
            .WithCredentials(credentials.Username, credentials.Password)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithTimeout(Timeout)
            .WithWillTopic(Topics.ForNode(nodeId, NodeMessageKind.Death))
            .WithWillPayload(WireCodec.Encode(Wire.Death(nodeId, bdSeq)))
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.ControllerState, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.ForNode(nodeId, NodeMessageKind.EventAck), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        await node._controllerOnline.Task.WaitAsync(Timeout);
        return node;
    }

    /// <summary>Publishes as the node does: events and command acknowledgements signed by its key, the rest plain JSON.</summary>
    public Task PublishAsync<T>(NodeMessageKind kind, T message)
        where T : class, IWireMessage =>
        PublishRawAsync(
            Topics.ForNode(NodeId, kind),
            kind is NodeMessageKind.Event or NodeMessageKind.CommandAck ? Credentials.Sign(message) : WireCodec.Encode(message));

    public async Task PublishRawAsync(string topic, byte[] payload)
    {
        var result = await Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        Assert.True(result.IsSuccess, $"publish on {topic} failed: {result.ReasonCode}");
    }

    /// <summary>Every event acknowledgement's payload as received (signed form or plain JSON).</summary>
    public Channel<byte[]> Payloads { get; } = Channel.CreateUnbounded<byte[]>();

    public async Task<EventAck> NextAckAsync() => await _acks.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    /// <summary>Drops the connection without a goodbye, so the broker publishes the Will.</summary>
    public void Kill() => Client.Dispose();

    /// <summary>Completes when the broker closes this connection (call before what should close it).</summary>
    public Task Dropped()
    {
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Client.DisconnectedAsync += _ =>
        {
            dropped.TrySetResult();
            return Task.CompletedTask;
        };
        return dropped.Task;
    }

    public async ValueTask DisposeAsync()
    {
        if (Client.IsConnected)
        {
            await Client.DisconnectAsync();
        }

        Client.Dispose();
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        var bytes = message.Payload.ToArray();
        if (message.Topic == Topics.ControllerState)
        {
            var state = WireCodec.Decode<ControllerState>(bytes);
            if (state is { Succeeded: true, Message.Online: true })
            {
                _controllerOnline.TrySetResult(state.Message);
            }
        }
        else
        {
            // Signed by the Controller's current key, or plain JSON when it runs without signing keys.
            var signed = SignedPayloadCodec.Parse<EventAck>(bytes);
            var ack = signed.Succeeded ? DecodeResult<EventAck>.Ok(signed.Message!.Message) : WireCodec.Decode<EventAck>(bytes);
            Assert.True(ack.Succeeded, ack.Detail);
            _acks.Writer.TryWrite(ack.Message!);
            Payloads.Writer.TryWrite(bytes);
        }

        return Task.CompletedTask;
    }
}
