using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>
/// Issue 10: "Anyone can be the Controller", "Anyone can be a node", "An anonymous observer reads everything". The
/// embedded broker authenticates every CONNECT and binds the client id to the username.
/// </summary>
public sealed class EmbeddedBrokerAuthenticationTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly List<BrokerClient> _clients = [];
    private ControllerHost _host = null!;
    private int _controllerDisconnects;

    public Task InitializeAsync()
    {
        _host = ControllerHost.Start(_data.Path);
        _host.Services.GetRequiredService<ControllerMqttClient>().Client.DisconnectedAsync += _ =>
        {
            Interlocked.Increment(ref _controllerDisconnects);
            return Task.CompletedTask;
        };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task An_anonymous_connection_is_refused_as_not_authorised(MqttProtocolVersion version)
    {
        var client = await ConnectAsync(null, null, "sim-06", version);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, client.ResultCode);
        Assert.Equal(1, await _host.MetricAsync("sl_broker_refused_total{reason=\"anonymous\"}"));
        Assert.Contains(_host.Logs.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("anonymous", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mosquitto_clients_see_the_mapped_311_return_codes()
    {
        var nodePassword = _host.PutNode("sim-06", "thon-1");
        var anonymous = await MqttTool.RunAsync("mosquitto_sub", [.. MqttTool.Connection(_host.MqttPort), "-t", "sl/v1/#", "-C", "1", "-W", "5"]);
        var wrongPassword = await MqttTool.RunAsync("mosquitto_sub", [.. MqttTool.Connection(_host.MqttPort, "sim-06", "guess"), "-t", "sl/v1/#", "-C", "1", "-W", "5"]);
        var controllerId = await MqttTool.RunAsync(
            "mosquitto_sub", [.. MqttTool.Connection(_host.MqttPort, "sim-06", nodePassword), "-i", "controller", "-t", "sl/v1/#", "-C", "1", "-W", "5"]);

        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("not authorised", anonymous.Errors, StringComparison.Ordinal);
        Assert.Contains("bad user name or password", wrongPassword.Errors, StringComparison.Ordinal);
        Assert.Contains("identifier rejected", controllerId.Errors, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref _controllerDisconnects));
    }

    [Fact]
    public async Task A_wrong_password_or_an_unknown_user_is_refused_as_bad_credentials()
    {
        _host.PutNode("sim-06", "thon-1");

        var wrong = await ConnectAsync("sim-06", "not-its-password", "sim-06");
        var unknown = await ConnectAsync("sim-99", "anything", "sim-99");

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrong.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, unknown.ResultCode);
        Assert.Equal(2, await _host.MetricAsync("sl_broker_refused_total{reason=\"bad-credentials\"}"));
    }

    [Fact]
    public async Task Presenting_the_controllers_client_id_with_other_credentials_is_refused_and_the_controller_stays_connected()
    {
        var nodePassword = _host.PutNode("sim-06", "thon-1");

        var asNode = await ConnectAsync("sim-06", nodePassword, "controller");
        var anonymous = await ConnectAsync(null, null, "controller");
        var guessed = await ConnectAsync("controller", "guess", "controller");
        // The observer presenting it is given an id of its own instead: watching, not taking over.
        var observer = await ConnectAsync("observer", _host.ObserverPassword(), "controller");

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, asNode.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, anonymous.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, guessed.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, observer.ResultCode);
        Assert.True(_host.Services.GetRequiredService<ControllerMqttClient>().IsConnected);
        Assert.Equal(0, Volatile.Read(ref _controllerDisconnects));
        Assert.Equal(0, await _host.MetricAsync("sl_broker_takeovers_total"));
    }

    [Fact]
    public async Task A_nodes_client_id_presented_by_another_identity_is_refused_and_the_node_is_not_kicked()
    {
        var password = _host.PutNode("sim-06", "thon-1");
        var otherPassword = _host.PutNode("sim-07", "thon-1");
        var node = await ConnectAsync("sim-06", password, "sim-06");
        Assert.Equal(MqttClientConnectResultCode.Success, node.ResultCode);

        var impostor = await ConnectAsync("sim-07", otherPassword, "sim-06");
        var tool = await MqttTool.RunAsync(
            "mosquitto_sub", [.. MqttTool.Connection(_host.MqttPort, "sim-07", otherPassword), "-i", "sim-06", "-t", "sl/v1/node/sim-06/cmd", "-C", "1", "-W", "5"]);

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, impostor.ResultCode);
        Assert.Contains("identifier rejected", tool.Errors, StringComparison.Ordinal);
        Assert.True(await node.Client.TryPingAsync());
        Assert.False(node.Disconnected.Task.IsCompleted);
        Assert.Equal(2, await _host.MetricAsync("sl_broker_refused_total{reason=\"client-id-not-bound\"}"));
    }

    [Fact]
    public async Task The_same_identity_reconnecting_takes_over_its_own_session_and_is_counted()
    {
        var password = _host.PutNode("sim-06", "thon-1");
        var first = await ConnectAsync("sim-06", password, "sim-06");

        var second = await ConnectAsync("sim-06", password, "sim-06");

        Assert.Equal(MqttClientConnectResultCode.Success, second.ResultCode);
        await first.Disconnected.Task.WaitAsync(ControllerHost.Timeout);
        Assert.True(await second.Client.TryPingAsync());
        Assert.Equal(1, await _host.MetricAsync("sl_broker_takeovers_total"));
        Assert.Equal(1, await _host.MetricAsync("sl_broker_account_takeovers_total{username=\"sim-06\"}"));
        Assert.Contains(_host.Logs.Lines, line => line.Message.Contains("taken over by its own identity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_enrolling_node_must_present_enrol_and_its_node_id()
    {
        var bound = await ConnectAsync("enrol", "enrol", "enrol-sim-20");
        var bare = await ConnectAsync("enrol", "enrol", "enrol");
        var other = await ConnectAsync("enrol", "enrol", "sim-20");

        Assert.Equal(MqttClientConnectResultCode.Success, bound.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, bare.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, other.ResultCode);
    }

    [Fact]
    public async Task A_reconnecting_fleet_costs_one_password_derivation_per_node_not_one_per_connect()
    {
        var password = _host.PutNode("sim-06", "thon-1");
        var broker = _host.Services.GetRequiredService<EmbeddedBroker>();
        var before = broker.PasswordDerivations;

        for (var i = 0; i < 5; i++)
        {
            var client = await ConnectAsync("sim-06", password, "sim-06");
            Assert.Equal(MqttClientConnectResultCode.Success, client.ResultCode);
            await client.Client.DisconnectAsync();
        }

        var wrong = await ConnectAsync("sim-06", "wrong", "sim-06");

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrong.ResultCode);
        Assert.Equal(2, broker.PasswordDerivations - before);
    }

    [Fact]
    public async Task Technicians_see_refusals_per_reason_and_source_and_the_latest_ones()
    {
        await ConnectAsync(null, null, "sim-06");
        await ConnectAsync("sim-42", "guess", "sim-42");

        var report = await _host.Http.GetFromJsonAsync<JsonElement>("/api/broker/refusals");

        Assert.Equal(1, report.GetProperty("byReason").GetProperty("anonymous").GetInt64());
        Assert.Equal(1, report.GetProperty("byReason").GetProperty("bad-credentials").GetInt64());
        Assert.Equal(1, report.GetProperty("bySource").GetProperty("127.0.0.1").GetInt64());
        Assert.Equal(1, report.GetProperty("bySource").GetProperty("sim-42").GetInt64());
        var recent = report.GetProperty("recent");
        Assert.Equal(2, recent.GetArrayLength());
        Assert.Equal("bad-credentials", recent[0].GetProperty("reason").GetString());
        Assert.Equal("sim-42", recent[0].GetProperty("username").GetString());
        Assert.StartsWith("127.0.0.1:", recent[0].GetProperty("endpoint").GetString(), StringComparison.Ordinal);
        Assert.Equal(_host.Clock.GetUtcNow(), recent[0].GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_observer_credentials_offered_to_technicians_work_with_mosquitto_sub()
    {
        var observer = await _host.Http.GetFromJsonAsync<JsonElement>("/api/broker/observer");
        var username = observer.GetProperty("username").GetString()!;
        var password = observer.GetProperty("password").GetString()!;

        var watched = await MqttTool.RunAsync(
            "mosquitto_sub", [.. MqttTool.Connection(observer.GetProperty("port").GetInt32(), username, password), "-t", "sl/v1/#", "-v", "-C", "1", "-W", "10"]);

        Assert.Equal("observer", username);
        Assert.Equal(0, watched.ExitCode);
        Assert.StartsWith("sl/v1/controller/state {\"v\":1,\"online\":true", watched.Output, StringComparison.Ordinal);
        Assert.Contains("-u observer -P '" + password + "' -t 'sl/v1/#' -v", observer.GetProperty("example").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Logs.Lines, line => line.Message.Contains(password, StringComparison.Ordinal));
    }

    private async Task<BrokerClient> ConnectAsync(string? username, string? password, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var client = await BrokerClient.ConnectAsync(_host.MqttPort, username, password, clientId, version);
        _clients.Add(client);
        return client;
    }
}
