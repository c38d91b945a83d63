using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests;

/// <summary>Issue 10: "50,000 subscriptions and 1,000 <c>#</c> connections were accepted." The embedded broker caps both.</summary>
public sealed class BrokerLimitsTests : IDisposable
{
    private readonly BrokerTestHost _broker;
    private readonly ControllerHost _host;
    private readonly List<IMqttClient> _clients = [];
    private readonly Dictionary<string, string> _passwords = [];

    public BrokerLimitsTests()
    {
        _broker = new BrokerTestHost(new Dictionary<string, string?>
        {
            ["Broker:MaxConnections"] = "3",
            ["Broker:MaxSubscriptionsPerClient"] = "2",
        });
        _host = _broker.Host;
    }

    public void Dispose() => _broker.Dispose();

    [Fact]
    public async Task A_new_client_beyond_the_connection_cap_is_refused_as_busy_but_a_reconnect_is_not()
    {
        // The controller's own client is connected as well and does not count against the cap.
        foreach (var node in new[] { "obs-1", "obs-2", "obs-3", "obs-4" })
        {
            _passwords[node] = _host.PutNode(node, "thon-1");
        }

        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync($"obs-{i}"));
        }

        Assert.Equal(MqttClientConnectResultCode.ServerBusy, await ConnectAsync("obs-4"));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"connection-limit\"}"));

        // A client whose link broke reconnects under its own id while the broker still holds the old session.
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync("obs-2"));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"connection-limit\"}"));
        Assert.Contains(_host.Logs.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("connection-limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_filter_beyond_the_subscription_cap_is_refused_while_the_first_ones_and_their_renewals_are_granted()
    {
        _passwords["obs-s"] = _host.PutNode("obs-s", "thon-1");
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync("obs-s"));
        var client = _clients[^1];

        var first = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("sl/v1/controller/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("sl/v1/node/obs-s/cmd", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("sl/v1/all/cmd", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("sl/v1/zone/thon-1/cmd", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        Assert.Equal(
            [MqttClientSubscribeResultCode.GrantedQoS1, MqttClientSubscribeResultCode.GrantedQoS1, MqttClientSubscribeResultCode.QuotaExceeded, MqttClientSubscribeResultCode.QuotaExceeded],
            first.Items.Select(item => item.ResultCode));

        var renewed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("sl/v1/node/obs-s/cmd", MqttQualityOfServiceLevel.AtMostOnce)
            .Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, Assert.Single(renewed.Items).ResultCode);

        // Unsubscribing frees a place.
        await client.UnsubscribeAsync("sl/v1/controller/#");
        var again = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("sl/v1/all/cmd").Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, Assert.Single(again.Items).ResultCode);

        Assert.Equal(2, await _host.MetricAsync("sl_broker_refused_total{reason=\"subscription-limit\"}"));
        Assert.Single(_host.Logs.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("subscription-limit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 32, "Invalid setting Broker:MaxConnections = 0: must be 1–100000.")]
    [InlineData(100_001, 32, "Invalid setting Broker:MaxConnections = 100001: must be 1–100000.")]
    [InlineData(2000, 0, "Invalid setting Broker:MaxSubscriptionsPerClient = 0: must be 1–10000.")]
    [InlineData(2000, 10_001, "Invalid setting Broker:MaxSubscriptionsPerClient = 10001: must be 1–10000.")]
    public void A_cap_out_of_range_is_refused_in_the_one_line_form(int connections, int subscriptions, string line)
    {
        var result = new BrokerOptionsValidator().Validate(null, new BrokerOptions { MaxConnections = connections, MaxSubscriptionsPerClient = subscriptions });
        Assert.Equal(line, Assert.Single(result.Failures!));
    }

    [Fact]
    public void The_caps_default_to_the_documented_values()
    {
        var options = new BrokerOptions();
        Assert.Equal((2000, 32), (options.MaxConnections, options.MaxSubscriptionsPerClient));
    }

    private async Task<MqttClientConnectResultCode> ConnectAsync(string clientId)
    {
        var client = _broker.Own(new MqttClientFactory().CreateMqttClient());
        _clients.Add(client);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _host.MqttPort)
            .WithClientId(clientId)
            .WithCredentials(clientId, _passwords[clientId])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(ControllerHost.Timeout)
            .Build();
        return (await client.ConnectAsync(options)).ResultCode;
    }
}
