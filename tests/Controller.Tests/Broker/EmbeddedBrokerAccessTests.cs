using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>The embedded broker applies docs/protocol.md's publish and subscribe table to authenticated clients.</summary>
public sealed class EmbeddedBrokerAccessTests : IAsyncDisposable
{
    private readonly BrokerTestHost _broker = new();
    private readonly ControllerHost _host;

    public EmbeddedBrokerAccessTests() => _host = _broker.Host;

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Theory]
    [InlineData("sl/v1/node/sim-07/health", "publish-not-permitted")]
    [InlineData("sl/v1/node/sim-06/cmd", "publish-not-permitted")]
    [InlineData("sl/v1/node/sim-06/evack", "publish-not-permitted")]
    [InlineData("sl/v1/controller/state", "publish-not-permitted")]
    [InlineData("sl/v1/controller/keys/k-1", "publish-not-permitted")]
    [InlineData("sl/v1/all/cmd", "publish-not-permitted")]
    [InlineData("elsewhere", "outside-tree")]
    public async Task A_node_publishing_where_it_may_not_is_refused_and_nothing_is_routed(string topic, string reason)
    {
        var observer = await ObserverAsync();
        var node = await NodeAsync("sim-06", "thon-1");
        var refused = _host.WaitForBrokerRefusal();

        await node.PublishAsync(topic, "{\"v\":1}");
        await node.PublishAsync("sl/v1/node/sim-06/health", "marker");

        var refusal = await refused;
        Assert.Equal((reason, topic, "sim-06"), (refusal.Reason, refusal.Topic, refusal.ClientId));
        Assert.DoesNotContain(topic, await observer.TopicsBeforeAsync("sl/v1/node/sim-06/health"));
        Assert.Equal(1, await _host.MetricAsync($"sl_broker_refused_total{{reason=\"{reason}\"}}"));
    }

    [Fact]
    public async Task Mosquitto_pub_with_a_nodes_credentials_cannot_forge_an_event_acknowledgement()
    {
        var password = _host.PutNode("sim-06", "thon-1");
        var refused = _host.WaitForBrokerRefusal();

        var run = await MqttTool.RunAsync(
            "mosquitto_pub", [.. MqttTool.Connection(_host.MqttPort, "sim-06", password), "-i", "sim-06", "-q", "1",
                "-t", "sl/v1/node/sim-07/evack", "-m", "{\"v\":1,\"nodeId\":\"sim-07\",\"ids\":[\"e1\"]}"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("publish-not-permitted", (await refused).Reason);
    }

    [Fact]
    public async Task A_retained_birth_is_refused()
    {
        var node = await NodeAsync("sim-06", "thon-1");
        var refused = _host.WaitForBrokerRefusal();

        await node.PublishAsync("sl/v1/node/sim-06/birth", "{\"v\":1}", retain: true);

        Assert.Equal("retained-node-topic", (await refused).Reason);
        Assert.Empty(await _host.Services.GetRequiredService<SmartLoudspeaker.Controller.Infrastructure.Broker.EmbeddedBroker>().RetainedTopicsAsync("sl/v1/node/"));
    }

    [Theory]
    [InlineData("sl/v1/node/sim-07/cmd")]
    [InlineData("sl/v1/node/+/cmd")]
    [InlineData("sl/v1/zone/thon-2/cmd")]
    [InlineData("sl/v1/zone/+/cmd")]
    [InlineData("sl/v1/node/sim-07/evack")]
    [InlineData("sl/v1/#")]
    [InlineData("#")]
    public async Task A_node_subscribing_to_another_nodes_or_zones_topics_is_refused(string filter)
    {
        var node = await NodeAsync("sim-06", "thon-1");

        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await node.SubscribeAsync(filter));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"subscribe-not-permitted\"}"));
    }

    [Fact]
    public async Task A_node_subscribes_to_its_own_its_zones_and_the_fleets_commands()
    {
        var node = await NodeAsync("sim-06", "thon-1");

        foreach (var filter in new[] { "sl/v1/node/sim-06/cmd", "sl/v1/zone/thon-1/cmd", "sl/v1/all/cmd", "sl/v1/controller/#" })
        {
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await node.SubscribeAsync(filter));
        }

        Assert.Equal(0, await _host.MetricAsync("sl_broker_refused_total{reason=\"subscribe-not-permitted\"}"));
    }

    [Fact]
    public async Task The_observer_reads_everything_and_publishes_nothing()
    {
        var observer = await ObserverAsync();
        var node = await NodeAsync("sim-06", "thon-1");
        var refused = _host.WaitForBrokerRefusal();

        await observer.PublishAsync("sl/v1/node/sim-06/death", "{\"v\":1}");
        await node.PublishAsync("sl/v1/node/sim-06/health", "marker");

        Assert.Equal("publish-not-permitted", (await refused).Reason);
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await observer.SubscribeAsync("#"));
        Assert.StartsWith("observer_", (await refused).ClientId, StringComparison.Ordinal);
        Assert.Equal("marker", (await observer.NextOnAsync("sl/v1/node/sim-06/health")).Payload);
    }

    [Fact]
    public async Task The_enrolment_account_may_only_ask_for_its_own_node_id()
    {
        var observer = await ObserverAsync();
        var enrolling = await ConnectAsync("enrol", "enrol", "enrol-sim-20");
        var log = _host.Services.GetRequiredService<BrokerRefusalLog>();
        var refusals = new List<BrokerRefusalEntry>();
        log.Recorded += refusals.Add;

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await enrolling.SubscribeAsync("sl/v1/enrol/sim-20/status"));
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await enrolling.SubscribeAsync("sl/v1/enrol/+/status"));
        await enrolling.PublishAsync("sl/v1/enrol/sim-21/request", "{}");
        await enrolling.PublishAsync("sl/v1/node/sim-20/birth", "{}");
        await enrolling.PublishAsync("sl/v1/enrol/sim-20/request", "{}");

        Assert.Empty(await observer.TopicsBeforeAsync("sl/v1/enrol/sim-20/request"));
        Assert.Equal(
            ["subscribe-not-permitted sl/v1/enrol/+/status", "publish-not-permitted sl/v1/enrol/sim-21/request", "publish-not-permitted sl/v1/node/sim-20/birth"],
            refusals.Select(refusal => $"{refusal.Reason} {refusal.Topic}"));
    }

    [Fact]
    public async Task A_removed_account_loses_its_connection_at_once_and_is_refused_after()
    {
        var password = _host.PutNode("sim-06", "thon-1");
        var node = await ConnectAsync("sim-06", password, "sim-06");
        Assert.Equal(MqttClientConnectResultCode.Success, node.ResultCode);

        Assert.True(_host.Directory().Remove("sim-06"));

        await node.Disconnected.Task.WaitAsync(ControllerHost.Timeout);
        var again = await ConnectAsync("sim-06", password, "sim-06");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, again.ResultCode);
        Assert.Equal(1, await _host.MetricAsync("sl_broker_account_disconnects_total"));
        Assert.True(_host.Services.GetRequiredService<ControllerMqttClient>().IsConnected);
    }

    [Fact]
    public async Task A_node_whose_zones_change_is_dropped_and_resubscribes_under_its_new_list()
    {
        var password = _host.PutNode("sim-06", "thon-1");
        var node = await ConnectAsync("sim-06", password, "sim-06");
        var other = await NodeAsync("sim-07", "thon-1");
        var account = _host.Directory().Find("sim-06")!;

        _host.Directory().Put(account with { Zones = ["thon-2"] });

        await node.Disconnected.Task.WaitAsync(ControllerHost.Timeout);
        var again = await ConnectAsync("sim-06", password, "sim-06");
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, await again.SubscribeAsync("sl/v1/zone/thon-1/cmd"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await again.SubscribeAsync("sl/v1/zone/thon-2/cmd"));
        Assert.True(await other.Client.TryPingAsync());
    }

    [Fact]
    public async Task Putting_an_unchanged_account_again_keeps_its_connection()
    {
        var password = BrokerPasswordHash.NewPassword();
        var account = new BrokerAccount("sim-06", BrokerAccountKind.Node, BrokerPasswordHash.Create(password), ["thon-1"]);
        _host.Directory().Put(account);
        var node = await ConnectAsync("sim-06", password, "sim-06");

        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Services.GetRequiredService<SmartLoudspeaker.Controller.Infrastructure.Broker.EmbeddedBroker>().AccountChangeApplied += username =>
        {
            if (username == "sim-06")
            {
                applied.TrySetResult();
            }
        };

        _host.Directory().Put(account with { Zones = ["thon-1"] });

        await applied.Task.WaitAsync(ControllerHost.Timeout);
        Assert.True(await node.Client.TryPingAsync());
        Assert.False(node.Disconnected.Task.IsCompleted);
    }

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
