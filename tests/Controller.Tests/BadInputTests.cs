using System.Buffers;
using System.Text;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Tests;

/// <summary>
/// Each bad message is refused, counted under its reason, changes nothing stored, and leaves the controller up
/// (checked by a valid message from the same node being accepted afterwards).
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private const string NodeId = "node-x";
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public BadInputTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public Task Malformed_json_is_refused() =>
        AssertIngestRefusedAsync(Topics.ForNode(NodeId, NodeMessageKind.Health), "{\"v\":1,\"seq\":"u8.ToArray(), "malformed");

    [Fact]
    public Task A_payload_that_is_not_json_at_all_is_refused() =>
        AssertIngestRefusedAsync(Topics.ForNode(NodeId, NodeMessageKind.Birth), [0xff, 0x00, 0x13], "malformed");

    [Fact]
    public Task An_oversized_payload_is_refused()
    {
        var padding = new string('x', WireSchema.MaxJsonPayloadBytes);
        var payload = Encoding.UTF8.GetBytes($"{{\"v\":1,\"pad\":\"{padding}\"}}");
        return AssertIngestRefusedAsync(Topics.ForNode(NodeId, NodeMessageKind.Health), payload, "too-large");
    }

    [Fact]
    public Task An_unknown_schema_version_is_refused()
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(Wire.Health())).Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal);
        return AssertIngestRefusedAsync(Topics.ForNode(NodeId, NodeMessageKind.Health), Encoding.UTF8.GetBytes(json), "unsupported-version");
    }

    [Fact]
    public Task A_birth_with_missing_fields_is_refused() =>
        AssertIngestRefusedAsync(
            Topics.ForNode(NodeId, NodeMessageKind.Birth),
            "{\"v\":1,\"nodeId\":\"node-x\",\"bdSeq\":2,\"ts\":\"2026-05-01T06:00:00+07:00\"}"u8.ToArray(),
            "malformed");

    [Fact]
    public Task A_birth_with_a_field_out_of_range_is_refused() =>
        AssertIngestRefusedAsync(
            Topics.ForNode(NodeId, NodeMessageKind.Birth),
            WireCodec.Encode(Wire.Birth(NodeId, bdSeq: 2) with { HeartbeatSeconds = 0 }),
            "invalid");

    [Fact]
    public Task A_birth_naming_another_node_than_its_topic_is_refused() =>
        AssertIngestRefusedAsync(Topics.ForNode(NodeId, NodeMessageKind.Birth), WireCodec.Encode(Wire.Birth("node-y", bdSeq: 2)), "node-id-mismatch");

    [Fact]
    public Task A_death_naming_another_node_than_its_topic_is_refused() =>
        AssertIngestRefusedAsync(Topics.ForNode(NodeId, NodeMessageKind.Death), WireCodec.Encode(Wire.Death("node-y", 1)), "node-id-mismatch");

    [Fact]
    public async Task A_command_ack_naming_another_node_than_its_topic_is_refused() =>
        await AssertIngestRefusedAsync(
            Topics.ForNode(NodeId, NodeMessageKind.CommandAck),
            (await _host.EnrolAsync(NodeId)).Sign(new CommandAck { Id = "cmd-1", NodeId = "node-y", Status = CommandAckStatus.Done, Ts = Wire.NodeClock }),
            "node-id-mismatch");

    [Fact]
    public async Task Health_from_a_node_never_born_is_refused_and_does_not_create_it()
    {
        await using var stranger = await _host.ConnectNodeAsync("node-new");
        var refused = _host.WaitForIngest(result => result.NodeId == "node-new");
        await stranger.PublishAsync(NodeMessageKind.Health, Wire.Health());
        Assert.Equal(IngestRefusals.UnknownNode, (await refused).RefusedReason);
        Assert.Equal(404, (int)(await _host.Http.GetAsync(new Uri("/api/nodes/node-new", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_publish_outside_the_tree_is_refused_by_the_broker()
    {
        await using var node = await _host.BornNodeAsync(NodeId);
        var before = await _host.GetNodesTextAsync();
        var refused = _host.WaitForBrokerRefusal();
        await node.PublishRawAsync("weather/today", "{\"v\":1}"u8.ToArray());

        var refusal = await refused;
        Assert.Equal(("outside-tree", NodeId), (refusal.Reason, refusal.ClientId));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"outside-tree\"}"));
        await AssertUnchangedAndStillServingAsync(node, before);
    }

    [Fact]
    public async Task A_publish_on_another_nodes_topic_is_refused_by_the_broker()
    {
        await using var victim = await _host.BornNodeAsync("node-b");
        await using var intruder = await _host.BornNodeAsync(NodeId);
        var before = await _host.GetNodesTextAsync();
        var refused = _host.WaitForBrokerRefusal();
        var nothingIngested = _host.WaitForIngest(result => result.NodeId == "node-b");
        await intruder.PublishRawAsync(Topics.ForNode("node-b", NodeMessageKind.Death), WireCodec.Encode(Wire.Death("node-b", 1)));

        var refusal = await refused;
        Assert.Equal(("publish-not-permitted", NodeId), (refusal.Reason, refusal.ClientId));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"publish-not-permitted\"}"));
        Assert.False(nothingIngested.IsCompleted);
        Assert.True((await _host.GetListedNodeAsync("node-b")).GetProperty("online").GetBoolean());
        await AssertUnchangedAndStillServingAsync(intruder, before);
    }

    [Fact]
    public async Task A_node_may_not_pose_as_the_controller()
    {
        await using var node = await _host.BornNodeAsync(NodeId);
        var refused = _host.WaitForBrokerRefusal();
        await node.PublishRawAsync(Topics.ControllerState, WireCodec.Encode(new ControllerState { Online = false, Instance = "fake", Ts = Wire.NodeClock }));
        var refusal = await refused;
        Assert.Equal(("publish-not-permitted", NodeId), (refusal.Reason, refusal.ClientId));
    }

    [Fact]
    public async Task A_retained_node_publish_is_refused_by_the_broker()
    {
        await using var node = await _host.ConnectNodeAsync("node-fake");
        var refused = _host.WaitForBrokerRefusal();
        var nothingIngested = _host.WaitForIngest(result => result.NodeId == "node-fake");
        var result = await node.Client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder()
            .WithTopic(Topics.ForNode("node-fake", NodeMessageKind.Birth))
            .WithPayload(WireCodec.Encode(Wire.Birth("node-fake", bdSeq: 9, heartbeatSeconds: 3600)))
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(true)
            .Build());
        Assert.True(result.IsSuccess);

        var refusal = await refused;
        Assert.Equal(("retained-node-topic", "node-fake"), (refusal.Reason, refusal.ClientId));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"retained-node-topic\"}"));
        Assert.False(nothingIngested.IsCompleted);
        Assert.Equal(404, (int)(await _host.Http.GetAsync(new Uri("/api/nodes/node-fake", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_retained_birth_reaching_the_controller_is_refused_and_does_not_create_the_node()
    {
        // The embedded broker stops these first; an external broker (Mosquitto) replays them on every resubscribe.
        var pipeline = (IngestPipeline)_host.Services.GetService(typeof(IngestPipeline))!;
        var birth = new ReadOnlySequence<byte>(WireCodec.Encode(Wire.Birth("node-fake", bdSeq: 9, heartbeatSeconds: 3600)));
        var result = await pipeline.HandleAsync(Topics.ForNode("node-fake", NodeMessageKind.Birth), birth, retained: true, CancellationToken.None);

        Assert.Equal((IngestRefusals.Retained, "node-fake"), (result.RefusedReason, result.NodeId));
        Assert.Equal(1, await _host.MetricAsync("sl_ingest_refused_total{reason=\"retained\"}"));
        Assert.Equal(404, (int)(await _host.Http.GetAsync(new Uri("/api/nodes/node-fake", UriKind.Relative))).StatusCode);
        await _host.EnrolAsync("node-fake");
        Assert.True((await pipeline.HandleAsync(Topics.ForNode("node-fake", NodeMessageKind.Birth), birth, retained: false, CancellationToken.None)).Accepted);
    }

    [Fact]
    public async Task An_unparseable_topic_reaching_the_controller_is_refused_as_topic()
    {
        // The embedded broker stops these first; an external broker (Mosquitto) would deliver them.
        var pipeline = (IngestPipeline)_host.Services.GetService(typeof(IngestPipeline))!;
        var result = await pipeline.HandleAsync("sl/v1/node/NOT_AN_ID/health", new ReadOnlySequence<byte>(WireCodec.Encode(Wire.Health())), retained: false, CancellationToken.None);
        Assert.Equal(IngestRefusals.Topic, result.RefusedReason);
        Assert.Equal(1, await _host.MetricAsync("sl_ingest_refused_total{reason=\"topic\"}"));
    }

    [Fact]
    public async Task A_repeated_event_is_stored_once_and_acknowledged_each_time()
    {
        await using var node = await _host.BornNodeAsync(NodeId);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
            await node.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-42"));
            Assert.True((await ingested).Accepted);
            Assert.Equal(["ev-42"], (await node.NextAckAsync()).Ids);
        }

        var events = (await _host.GetNodeAsync(NodeId)).GetProperty("events");
        Assert.Equal("ev-42", Assert.Single(events.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(2, await _host.MetricAsync("sl_mqtt_messages_published_total{kind=\"evack\"}"));
    }

    private async Task AssertIngestRefusedAsync(string topic, byte[] payload, string reason)
    {
        await using var node = await _host.BornNodeAsync(NodeId);
        var ingestedHealth = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
        await node.PublishAsync(NodeMessageKind.Health, Wire.Health());
        await ingestedHealth;
        var before = await _host.GetNodesTextAsync();
        var beforeDetail = (await _host.GetNodeAsync(NodeId)).ToString();

        var refused = _host.WaitForIngest(result => result.Topic == topic);
        await node.PublishRawAsync(topic, payload);
        var result = await refused;

        Assert.Equal(reason, result.RefusedReason);
        Assert.Equal(1, await _host.MetricAsync($"sl_ingest_refused_total{{reason=\"{reason}\"}}"));
        Assert.Equal(beforeDetail, (await _host.GetNodeAsync(NodeId)).ToString());
        await AssertUnchangedAndStillServingAsync(node, before);
    }

    /// <summary>The fleet view is as it was, and the controller still ingests a valid message afterwards.</summary>
    private async Task AssertUnchangedAndStillServingAsync(TestNode node, string before)
    {
        Assert.Equal(before, await _host.GetNodesTextAsync());
        var accepted = _host.WaitForIngest(result => result.NodeId == node.NodeId && result.Kind == NodeMessageKind.Health);
        await node.PublishAsync(NodeMessageKind.Health, Wire.Health(seq: 9));
        Assert.True((await accepted).Accepted);
        _host.AssertNoErrors();
    }
}
