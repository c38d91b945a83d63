using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Identity;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests.Identity;

/// <summary>
/// What a node with a pinned root signs and what it believes, on a broker that authenticates: its acknowledgements
/// and events carry its own signature (the key its enrolment request carried); an event acknowledgement empties the
/// outbox only when a certified Controller key signed it for this node; "rotate-identity" is acknowledged with the old
/// key, after which the node enrols its new one.
/// </summary>
public sealed class SignedNodeMessagesTests : IAsyncLifetime, IDisposable
{
    private const string NodeId = "thon-3-nha-van-hoa";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(TestKeys.Now);
    private readonly ListLogger<NodeAgent> _logger = new();
    private readonly TestKeys _keys = new();
    private readonly string _data = Directory.CreateTempSubdirectory("sl-node-signed-").FullName;
    private readonly string _token = EnrolmentTokenProof.NewToken(out _);
    private EnrolmentBroker _broker = null!;
    private MessageRecorder _recorder = null!;
    private NodeAgent _agent = null!;
    private EnrolmentRequest _request = null!;

    public async Task InitializeAsync()
    {
        _broker = await EnrolmentBroker.StartAsync(_token);
        _recorder = await MessageRecorder.StartAsync(_broker.Broker);
        await _recorder.PublishAsync(Topics.ForControllerKey(_keys.Controller.Kid), _keys.Certificate(_keys.Controller), retain: true);
        _agent = NodeComposer.Compose(
            new NodeAgentSettings
            {
                NodeId = NodeId,
                Zones = ["thon-3"],
                Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = _broker.Port }],
                Heartbeat = Heartbeat,
                ReconnectWindow = TimeSpan.Zero,
                ReconnectBackoffCap = TimeSpan.Zero,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                RandomSeed = 1,
                DataDirectory = _data,
                RootPublicKey = _keys.Root.PublicKey(),
                EnrolmentToken = _token,
            },
            NodeDrivers.Simulated(1),
            _time,
            _logger);
        await _agent.StartAsync(CancellationToken.None);
        _request = await _broker.NextRequestAsync(Timeout);
        await _agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _recorder.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_data, recursive: true);
        Assert.Empty(_logger.Errors);
    }

    public void Dispose() => _keys.Dispose();

    [Fact]
    public async Task A_command_acknowledgement_is_signed_by_the_key_the_enrolment_request_carried()
    {
        var (ack, received) = await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId)));

        Assert.Equal(CommandAckStatus.Done, ack.Status);
        Assert.True(received.IsSigned);
        Assert.True(received.IsSignedBy(_request.PublicKeyBytes()));
    }

    [Fact]
    public async Task Forged_event_acknowledgements_leave_the_events_in_the_outbox_and_are_counted_and_a_genuine_one_removes_them()
    {
        var fromIndex = _recorder.Count;
        var id = await _agent.RaiseEventAsync("fault.raised", EventSeverity.Fault, "overheat", "CPU 86 °C");
        var sent = await _recorder.WaitForAsync(m => m.IsFor(NodeId, NodeMessageKind.Event), fromIndex);
        Assert.True(sent.IsSignedBy(_request.PublicKeyBytes()));
        var evack = Topics.ForNode(NodeId, NodeMessageKind.EventAck);

        var forged = new[]
        {
            WireCodec.Encode(new EventAck { NodeId = NodeId, Ids = [id] }),
            _keys.Stranger.Sign(new EventAck { NodeId = NodeId, Ids = [id] }),
            _keys.Rotated.Sign(new EventAck { NodeId = NodeId, Ids = [id] }),
            _keys.Controller.Sign(new EventAck { NodeId = "thon-4", Ids = [id] }),
        };
        for (var i = 0; i < forged.Length; i++)
        {
            await _recorder.PublishAsync(evack, forged[i]);
            await UntilAsync(() => _agent.RefusedEventAcks == i + 1);
            Assert.Equal(1, _agent.PendingEvents);
        }

        var health = await NextHealthAsync();
        Assert.Equal(forged.Length, health.RefusedEventAcks);

        await _recorder.PublishAsync(evack, _keys.Controller.Sign(new EventAck { NodeId = NodeId, Ids = [id] }));
        await UntilAsync(() => _agent.PendingEvents == 0);
        Assert.Equal(forged.Length, _agent.RefusedEventAcks);
    }

    [Fact]
    public async Task Rotate_identity_is_acknowledged_with_the_old_key_then_the_node_enrols_a_new_key_and_password_it_keeps()
    {
        var oldKey = _request.PublicKeyBytes()!;
        var beforeRotation = _recorder.Count;
        var (ack, received) = await SendAsync(_keys.Controller.Sign(_keys.Command("rotate-identity", NodeId)));
        Assert.Equal(CommandAckStatus.Done, ack.Status);
        Assert.True(received.IsSignedBy(oldKey));

        var renewed = await _broker.NextRequestAsync(Timeout);
        Assert.NotEqual(_request.PublicKey, renewed.PublicKey);
        Assert.NotEqual(_request.PasswordHash, renewed.PasswordHash);
        Assert.Equal(_agent.KeyFingerprint, KeyFingerprint(renewed));

        // The old key's "done" names the new key: that binding is what lets the Controller approve the new key at once.
        var rotated = ack.Result!.Value.Deserialize(Protocol.ProtocolJsonContext.Default.RotatedIdentity);
        Assert.Equal(KeyFingerprint(renewed), rotated!.Fingerprint);
        using (var stored = IdentityFiles.LoadOrCreate(_data, out _))
        {
            Assert.Equal(KeyFingerprint(renewed), stored.Fingerprint);
            Assert.Equal(renewed.PasswordHash, stored.PasswordHash);
        }

        // Approved by the token again (the broker now holds the new hash): what the node signs now is the new key's.
        var birth = await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth, beforeRotation);
        await _agent.RaiseEventAsync("fault.raised", EventSeverity.Fault, "overheat", null);
        var next = await _recorder.WaitForAsync(m => m.IsFor(NodeId, NodeMessageKind.Event), birth.Index);
        Assert.True(next.IsSignedBy(renewed.PublicKeyBytes()));
        Assert.False(next.IsSignedBy(oldKey));
    }

    private static string KeyFingerprint(EnrolmentRequest request) => Protocol.Security.KeyFingerprint.Of(request.PublicKeyBytes());

    private async Task<(CommandAck Ack, Received Message)> SendAsync(byte[] payload)
    {
        var start = _recorder.Count;
        using var signedPart = JsonDocument.Parse(Encoding.UTF8.GetString(payload).Split('\n')[0]);
        var id = signedPart.RootElement.GetProperty("id").GetString();
        await _recorder.PublishAsync(Topics.ForNode(NodeId, NodeMessageKind.Command), payload);
        var received = await _recorder.WaitForAsync(m => m.IsFor(NodeId, NodeMessageKind.CommandAck) && m.Decode<CommandAck>().Id == id, start);
        return (received.Decode<CommandAck>(), received);
    }

    private async Task<NodeHealth> NextHealthAsync()
    {
        var fromIndex = _recorder.Count;
        _time.Advance(Heartbeat);
        return (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health, fromIndex)).Decode<NodeHealth>();
    }

    /// <summary>An event acknowledgement is handled on the receive loop with nothing to await: poll, bounded.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(10);
        }
    }
}
