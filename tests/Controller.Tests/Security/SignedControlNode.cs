using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Controller.Tests.Security;

/// <summary>
/// A raw MQTT client playing a node of signed control: it listens on its own, its zone's and the fleet's command
/// topics, on its clock-sync replies and on the retained key certificates, exactly as a node subscribes.
/// </summary>
internal sealed class SignedControlNode : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Channel<(string Topic, byte[] Payload)> _commands = Channel.CreateUnbounded<(string, byte[])>();
    private readonly Channel<byte[]> _timeReplies = Channel.CreateUnbounded<byte[]>();
    private readonly ConcurrentDictionary<string, byte[]> _certificates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _certificateArrived = new(0);

    private SignedControlNode(string nodeId, string[] zones, IMqttClient client, NodeCredentials credentials)
    {
        NodeId = nodeId;
        Zones = zones;
        Client = client;
        Credentials = credentials;
    }

    /// <summary>The node's enrolled key and broker password.</summary>
    public NodeCredentials Credentials { get; }

    public string NodeId { get; }

    public string[] Zones { get; }

    public IMqttClient Client { get; }

    /// <summary>Revocation lists as received (retained).</summary>
    public ConcurrentQueue<byte[]> Revocations { get; } = new();

    /// <summary>Connects, subscribes like a node, and publishes a birth that the controller has ingested when this returns.</summary>
    public static async Task<SignedControlNode> BornAsync(ControllerHost host, string nodeId, params string[] zones)
    {
        zones = zones.Length == 0 ? ["thon-1"] : zones;
        var credentials = await host.EnrolAsync(nodeId, zones);
        var client = new MqttClientFactory().CreateMqttClient();
        var node = new SignedControlNode(nodeId, zones, client, credentials);
        client.ApplicationMessageReceivedAsync += node.OnMessageAsync;
        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", host.MqttPort)
            .WithClientId(nodeId)
            .WithCredentials(credentials.Username, credentials.Password)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithTimeout(Timeout)
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.ForNode(nodeId, NodeMessageKind.Command), MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.ForNode(nodeId, NodeMessageKind.TimeReply), MqttQualityOfServiceLevel.AtMostOnce)
            .WithTopicFilter(Topics.FleetCommands, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.ControllerKeys, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.ControllerRevocations, MqttQualityOfServiceLevel.AtLeastOnce);
        foreach (var zone in zones)
        {
            subscribe.WithTopicFilter(Topics.ForZoneCommands(zone), MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await client.SubscribeAsync(subscribe.Build());
        var born = host.WaitForIngest(result => result.NodeId == nodeId && result.Kind == NodeMessageKind.Birth);
        await node.PublishAsync(NodeMessageKind.Birth, Wire.Birth(nodeId, zones: zones));
        Assert.True((await born).Accepted);
        return node;
    }

    /// <summary>A trust store as a node builds it: the pinned root, and the certificate of <paramref name="kid"/> once it arrived.</summary>
    public async Task<TrustStore> TrustAsync(byte[] rootPublicKey, params string[] kids)
    {
        var trust = new TrustStore(rootPublicKey);
        foreach (var kid in kids)
        {
            Assert.Null(trust.AddCertificate(await CertificateAsync(kid)));
        }

        return trust;
    }

    /// <summary>The retained certificate of <paramref name="kid"/>, waiting for it if it has not arrived yet.</summary>
    public async Task<byte[]> CertificateAsync(string kid)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!_certificates.ContainsKey(kid))
        {
            await _certificateArrived.WaitAsync(timeout.Token);
        }

        return _certificates[kid];
    }

    public IReadOnlyCollection<string> CertificateKids => [.. _certificates.Keys];

    public async Task<(string Topic, byte[] Payload)> NextCommandAsync() => await _commands.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public bool TryTakeCommand(out (string Topic, byte[] Payload) command) => _commands.Reader.TryRead(out command);

    public async Task<byte[]> NextTimeReplyAsync() => await _timeReplies.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async Task PublishAsync<T>(NodeMessageKind kind, T message)
        where T : class, IWireMessage
    {
        var result = await Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.ForNode(NodeId, kind))
            .WithPayload(kind is NodeMessageKind.Event or NodeMessageKind.CommandAck ? Credentials.Sign(message) : WireCodec.Encode(message))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (Client.IsConnected)
        {
            await Client.DisconnectAsync();
        }

        Client.Dispose();
        _certificateArrived.Dispose();
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var topic = args.ApplicationMessage.Topic;
        var payload = args.ApplicationMessage.Payload.ToArray();
        if (topic.StartsWith(Topics.Root + "/controller/keys/", StringComparison.Ordinal))
        {
            _certificates[topic[(topic.LastIndexOf('/') + 1)..]] = payload;
            _certificateArrived.Release();
        }
        else if (topic == Topics.ControllerRevocations)
        {
            Revocations.Enqueue(payload);
        }
        else if (topic == Topics.ForNode(NodeId, NodeMessageKind.TimeReply))
        {
            _timeReplies.Writer.TryWrite(payload);
        }
        else
        {
            _commands.Writer.TryWrite((topic, payload));
        }

        return Task.CompletedTask;
    }
}
