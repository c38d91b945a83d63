using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol.Live;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>
/// The live audio topics on the embedded broker (docs/protocol.md, "Live audio packets"): only the Controller
/// publishes there, at QoS 0, never retained, at most a live packet's size; a node hears only its own, its approved
/// zones' and the fleet's audio.
/// </summary>
public sealed class EmbeddedBrokerLiveAudioTests : IAsyncDisposable
{
    private readonly BrokerTestHost _broker = new();
    private readonly ControllerHost _host;

    public EmbeddedBrokerLiveAudioTests() => _host = _broker.Host;

    private ControllerMqttClient Controller => _host.Services.GetRequiredService<ControllerMqttClient>();

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Theory]
    [InlineData("sl/v1/node/sim-06/audio/s1")]
    [InlineData("sl/v1/zone/thon-1/audio/s1")]
    [InlineData("sl/v1/all/audio/s1")]
    public async Task A_full_size_packet_from_the_controller_at_QoS_0_reaches_a_node_subscribed_to_its_own_zone_and_fleet_audio(string topic)
    {
        var node = await NodeAsync("sim-06", "thon-1");
        foreach (var filter in new[] { "sl/v1/node/sim-06/audio/#", "sl/v1/zone/thon-1/audio/#", "sl/v1/all/audio/#" })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await node.SubscribeAsync(filter));
        }

        Assert.True(await PublishAsControllerAsync(topic, LiveAudioPacketCodec.MaxPacketBytes));

        var received = await node.NextOnAsync(topic);
        Assert.Equal(LiveAudioPacketCodec.MaxPacketBytes, received.Payload.Length);
        Assert.True(await Controller.Client.TryPingAsync());
        Assert.Equal(0, await _host.MetricAsync("sl_broker_refused_total{reason=\"packet-too-large\"}"));
    }

    [Theory]
    [InlineData("sl/v1/node/sim-06/audio/s1")]
    [InlineData("sl/v1/zone/thon-1/audio/s1")]
    [InlineData("sl/v1/all/audio/s1")]
    public async Task A_node_publishing_live_audio_is_refused_and_nothing_is_routed(string topic)
    {
        var observer = await ObserverAsync();
        var node = await NodeAsync("sim-06", "thon-1");
        var refused = _host.WaitForBrokerRefusal();

        await node.PublishAsync(topic, "forged audio");
        await PublishAsControllerAsync("sl/v1/all/audio/marker", 100);

        var refusal = await refused;
        Assert.Equal(("publish-not-permitted", topic, "sim-06"), (refusal.Reason, refusal.Topic, refusal.ClientId));
        Assert.Empty(await observer.TopicsBeforeAsync("sl/v1/all/audio/marker"));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"publish-not-permitted\"}"));
    }

    [Fact]
    public async Task The_observer_publishing_live_audio_is_refused()
    {
        var listener = await ObserverAsync();
        var observer = await ConnectAsync("observer", _host.ObserverPassword(), string.Empty);
        var refused = _host.WaitForBrokerRefusal();

        await observer.PublishAsync("sl/v1/all/audio/s1", "forged audio");
        await PublishAsControllerAsync("sl/v1/all/audio/marker", 100);

        var refusal = await refused;
        Assert.Equal("publish-not-permitted", refusal.Reason);
        Assert.StartsWith("observer_", refusal.ClientId, StringComparison.Ordinal);
        Assert.Empty(await listener.TopicsBeforeAsync("sl/v1/all/audio/marker"));
    }

    [Theory]
    [InlineData("sl/v1/node/sim-06/audio/s1", true, false, "audio-qos")]
    [InlineData("sl/v1/zone/thon-1/audio/s1", true, false, "audio-qos")]
    [InlineData("sl/v1/all/audio/s1", true, false, "audio-qos")]
    [InlineData("sl/v1/node/sim-06/audio/s1", false, true, "retained-node-topic")]
    [InlineData("sl/v1/zone/thon-1/audio/s1", false, true, "retained")]
    [InlineData("sl/v1/all/audio/s1", false, true, "retained")]
    public async Task Live_audio_from_the_controller_at_QoS_1_or_retained_is_refused_and_nothing_is_routed_or_kept(
        string topic, bool atLeastOnce, bool retain, string reason)
    {
        var observer = await ObserverAsync();
        var refused = _host.WaitForBrokerRefusal();

        Assert.True(await Controller.PublishAsync(topic, Payload(100), atLeastOnce, retain, CancellationToken.None));
        await PublishAsControllerAsync("sl/v1/all/audio/marker", 100);

        var refusal = await refused;
        Assert.Equal((reason, topic, ControllerClientId), (refusal.Reason, refusal.Topic, refusal.ClientId));
        Assert.Empty(await observer.TopicsBeforeAsync("sl/v1/all/audio/marker"));
        Assert.Empty(await _host.Services.GetRequiredService<EmbeddedBroker>().RetainedTopicsAsync("sl/v1/all/audio"));
        Assert.Empty(await _host.Services.GetRequiredService<EmbeddedBroker>().RetainedTopicsAsync("sl/v1/zone/"));
        Assert.Empty(await _host.Services.GetRequiredService<EmbeddedBroker>().RetainedTopicsAsync("sl/v1/node/"));
        Assert.Equal(1, await _host.MetricAsync($"sl_broker_refused_total{{reason=\"{reason}\"}}"));
        Assert.True(await Controller.Client.TryPingAsync());
    }

    [Fact]
    public async Task A_controller_packet_one_byte_over_the_live_maximum_is_refused_and_its_connection_stays()
    {
        var observer = await ObserverAsync();
        var refused = _host.WaitForBrokerRefusal();

        await PublishAsControllerAsync("sl/v1/zone/thon-1/audio/s1", LiveAudioPacketCodec.MaxPacketBytes + 1);
        await PublishAsControllerAsync("sl/v1/zone/thon-1/audio/s2", LiveAudioPacketCodec.MaxPacketBytes);

        var refusal = await refused;
        Assert.Equal(("audio-too-large", "sl/v1/zone/thon-1/audio/s1"), (refusal.Reason, refusal.Topic));
        Assert.Empty(await observer.TopicsBeforeAsync("sl/v1/zone/thon-1/audio/s2"));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"audio-too-large\"}"));
        Assert.True(await Controller.Client.TryPingAsync());
    }

    [Fact]
    public async Task An_audio_publish_over_its_packet_cap_closes_the_connection_while_a_json_one_of_that_size_passes()
    {
        var observer = await ObserverAsync();
        var node = await NodeAsync("sim-06", "thon-1");
        var size = new BrokerOptions().MaxAudioPacketBytes + 1;

        await node.PublishAsync("sl/v1/node/sim-06/health", new string('a', size));
        Assert.Equal(size, (await observer.NextOnAsync("sl/v1/node/sim-06/health")).Payload.Length);
        await node.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("sl/v1/all/audio/s1").WithPayload(Payload(size)).Build());

        await node.Disconnected.Task.WaitAsync(ControllerHost.Timeout);
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"packet-too-large\"}"));
    }

    [Theory]
    [InlineData("sl/v1/node/sim-07/audio/#")]
    [InlineData("sl/v1/node/sim-07/audio/s1")]
    [InlineData("sl/v1/node/+/audio/#")]
    [InlineData("sl/v1/zone/thon-2/audio/#")]
    [InlineData("sl/v1/zone/+/audio/s1")]
    [InlineData("sl/v1/+/+/audio/#")]
    [InlineData("sl/v1/+/sim-06/audio/#")]
    [InlineData("sl/v1/all/#")]
    [InlineData("sl/v1/#")]
    [InlineData("#")]
    public async Task A_node_subscribing_to_audio_not_meant_for_it_is_refused(string filter)
    {
        var node = await NodeAsync("sim-06", "thon-1");

        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await node.SubscribeAsync(filter));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"subscribe-not-permitted\"}"));
    }

    [Fact]
    public async Task A_node_that_asked_for_other_nodes_and_zones_audio_receives_only_its_own()
    {
        var node = await NodeAsync("sim-06", "thon-1");
        foreach (var filter in new[] { "sl/v1/node/sim-07/audio/#", "sl/v1/zone/thon-2/audio/#", "sl/v1/+/+/audio/#", "#" })
        {
            await node.SubscribeAsync(filter);
        }

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await node.SubscribeAsync("sl/v1/node/sim-06/audio/#"));

        await PublishAsControllerAsync("sl/v1/node/sim-07/audio/s1", 100);
        await PublishAsControllerAsync("sl/v1/zone/thon-2/audio/s1", 100);
        await PublishAsControllerAsync("sl/v1/all/audio/s1", 100);
        await PublishAsControllerAsync("sl/v1/node/sim-06/audio/marker", 100);

        Assert.Empty(await node.TopicsBeforeAsync("sl/v1/node/sim-06/audio/marker"));
    }

    private string ControllerClientId => _host.Services.GetRequiredService<ControllerIdentity>().ClientId;

    private static byte[] Payload(int bytes) => Encoding.ASCII.GetBytes(new string('a', bytes));

    private Task<bool> PublishAsControllerAsync(string topic, int bytes) =>
        Controller.PublishAsync(topic, Payload(bytes), atLeastOnce: false, retain: false, CancellationToken.None);

    private async Task<BrokerClient> NodeAsync(string nodeId, params string[] zones)
    {
        var node = await ConnectAsync(nodeId, _host.PutNode(nodeId, zones), nodeId);
        Assert.Equal(MqttClientConnectResultCode.Success, node.ResultCode);
        return node;
    }

    private async Task<BrokerClient> ObserverAsync()
    {
        var observer = await ConnectAsync("observer", _host.ObserverPassword(), string.Empty);
        Assert.Equal(MqttClientConnectResultCode.Success, observer.ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await observer.SubscribeAsync("sl/v1/#"));
        return observer;
    }

    private Task<BrokerClient> ConnectAsync(string? username, string? password, string clientId) =>
        _broker.ConnectAsync(username, password, clientId);
}
