using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Tests.Security;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Controller.Tests.Identity;

/// <summary>
/// Acknowledgements no one else can fake (issue 10): a node's acks and events count only when signed by its enrolled
/// key, the Controller's evack is signed by its certified key, and ids nobody enrolled change nothing.
/// </summary>
public sealed class SignedAcknowledgementTests : IDisposable
{
    private const string NodeId = "thon-3-nha-van-hoa";
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public SignedAcknowledgementTests()
    {
        _host = ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?> { ["Security:GenerateDemoKeys"] = "true" });
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_forged_done_is_refused_and_shown_as_a_security_event_while_the_genuine_signed_ack_is_recorded()
    {
        await using var node = await _host.BornNodeAsync(NodeId);
        using var impostor = NodeCredentials.Create(NodeId);
        var done = new CommandAck { Id = "cmd-000042", NodeId = NodeId, Status = CommandAckStatus.Done, Ts = Wire.NodeClock };

        var forged = await PublishAndWaitAsync(node, NodeMessageKind.CommandAck, impostor.Sign(done));
        var unsigned = await PublishAndWaitAsync(node, NodeMessageKind.CommandAck, WireCodec.Encode(done));
        var genuine = await PublishAndWaitAsync(node, NodeMessageKind.CommandAck, node.Credentials.Sign(done));

        Assert.Equal((IngestRefusals.ForgedAck, IngestRefusals.ForgedAck, null), (forged.RefusedReason, unsigned.RefusedReason, genuine.RefusedReason));
        Assert.Equal(2, await _host.MetricAsync("sl_ingest_refused_total{reason=\"forged-ack\"}"));
        var security = SecurityEvents(await _host.GetNodeAsync(NodeId));
        Assert.Equal("forged-ack", Assert.Single(security).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_forged_event_is_refused_not_stored_and_not_acknowledged()
    {
        await using var node = await _host.BornNodeAsync(NodeId);
        using var impostor = NodeCredentials.Create(NodeId);

        var forged = await PublishAndWaitAsync(node, NodeMessageKind.Event, impostor.Sign(Wire.Event("ev-forged")));
        var genuine = await PublishAndWaitAsync(node, NodeMessageKind.Event, node.Credentials.Sign(Wire.Event("ev-genuine")));

        Assert.Equal((IngestRefusals.ForgedEvent, null), (forged.RefusedReason, genuine.RefusedReason));
        Assert.Equal(["ev-genuine"], (await node.NextAckAsync()).Ids);
        var events = (await _host.GetNodeAsync(NodeId)).GetProperty("events").EnumerateArray().ToList();
        Assert.DoesNotContain(events, entry => entry.GetProperty("id").GetString() == "ev-forged");
        Assert.Equal("forged-event", Assert.Single(SecurityEvents(await _host.GetNodeAsync(NodeId))).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_event_acknowledgement_is_signed_by_the_controllers_certified_key_and_names_the_node()
    {
        await using var node = await _host.BornNodeAsync(NodeId);
        await using var keys = await SignedControlNode.BornAsync(_host, "key-watcher");
        using var trust = await keys.TrustAsync(KeyFiles.ReadPublicKey(Path.Combine(_data.Path, "keys", DemoKeys.RootPublicKeyFile)), DemoKeys.Kid);

        await node.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-7"));
        var payload = await node.Payloads.Reader.ReadAsync().AsTask().WaitAsync(ControllerHost.Timeout);

        var parsed = SignedPayloadCodec.Parse<EventAck>(payload);
        Assert.True(parsed.Succeeded, parsed.Detail);
        var (signed, ack) = (parsed.Message!.Payload, parsed.Message.Message);
        Assert.Equal(NodeId, ack.NodeId);
        Assert.Null(trust.VerifyByAnyTrustedKey(signed.SignedBytes.Span, signed.Signature));
        var tampered = signed.SignedBytes.ToArray();
        tampered[^3] ^= 1;
        Assert.NotNull(trust.VerifyByAnyTrustedKey(tampered, signed.Signature));
    }

    [Fact]
    public async Task Two_hundred_births_from_ids_nobody_enrolled_leave_the_fleet_view_unchanged()
    {
        await using var node = await _host.BornNodeAsync(NodeId);
        var before = await _host.GetNodesTextAsync();
        var pipeline = _host.Services.GetRequiredService<IngestPipeline>();

        // What any broker delivers once someone publishes them (the embedded one would first refuse the unknown accounts).
        var results = new List<IngestResult>();
        for (var index = 0; index < 200; index++)
        {
            var fake = $"fake-{index:D3}";
            results.Add(await pipeline.HandleAsync(
                Topics.ForNode(fake, NodeMessageKind.Birth), new ReadOnlySequence<byte>(WireCodec.Encode(Wire.Birth(fake, heartbeatSeconds: 3600))), retained: false, CancellationToken.None));
        }

        Assert.All(results, result => Assert.Equal(IngestRefusals.NotEnrolled, result.RefusedReason));
        Assert.Equal(200, await _host.MetricAsync("sl_ingest_refused_total{reason=\"not-enrolled\"}"));
        Assert.Equal(before, await _host.GetNodesTextAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.GetAsync(new Uri("/api/nodes/fake-000", UriKind.Relative))).StatusCode);
    }

    private static List<JsonElement> SecurityEvents(JsonElement node) =>
        [.. node.GetProperty("events").EnumerateArray().Where(entry => entry.GetProperty("kind").GetString() == "security.forged")];

    private async Task<IngestResult> PublishAndWaitAsync(TestNode node, NodeMessageKind kind, byte[] payload)
    {
        var topic = Topics.ForNode(NodeId, kind);
        var handled = _host.WaitForIngest(result => result.Topic == topic);
        await node.PublishRawAsync(topic, payload);
        return await handled;
    }
}
