using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests;

/// <summary>A technician watches the wire with a plain <c>mosquitto_sub</c> and the observer account; nobody watches anonymously.</summary>
public sealed class ObserverTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public ObserverTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public void This_mqttnet_build_lets_the_broker_assign_observer_ids()
    {
        Assert.True(ObserverClientIds.Supported);
    }

    [Fact]
    public async Task Plain_mosquitto_sub_with_the_observer_account_sees_the_wire()
    {
        var run = await MqttTool.RunAsync(
            "mosquitto_sub", [.. MqttTool.Connection(_host.MqttPort, "observer", _host.ObserverPassword()), "-t", "sl/v1/#", "-v", "-C", "1", "-W", "10"]);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("sl/v1/controller/state {\"v\":1,\"online\":true", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_technicians_watch_at_once_with_the_same_account()
    {
        var arguments = new[] { "-t", "sl/v1/#", "-v", "-C", "1", "-W", "10", "-i", "same-id" };
        var first = MqttTool.RunAsync("mosquitto_sub", [.. MqttTool.Connection(_host.MqttPort, "observer", _host.ObserverPassword()), .. arguments]);
        var second = MqttTool.RunAsync("mosquitto_sub", [.. MqttTool.Connection(_host.MqttPort, "observer", _host.ObserverPassword()), .. arguments]);

        Assert.Equal((0, 0), ((await first).ExitCode, (await second).ExitCode));
        Assert.Equal(0, await _host.MetricAsync("sl_broker_takeovers_total"));
    }

    [Fact]
    public async Task An_anonymous_mosquitto_sub_sees_nothing()
    {
        var run = await MqttTool.RunAsync("mosquitto_sub", [.. MqttTool.Connection(_host.MqttPort), "-t", "sl/v1/#", "-v", "-C", "1", "-W", "10"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.Contains("not authorised", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_observer_cannot_speak_for_a_node()
    {
        var refusal = _host.WaitForBrokerRefusal();

        await MqttTool.RunAsync(
            "mosquitto_pub", [.. MqttTool.Connection(_host.MqttPort, "observer", _host.ObserverPassword()), "-t", "sl/v1/node/thon-1/death", "-q", "1", "-m", "{\"v\":1}"]);

        Assert.Equal("publish-not-permitted", (await refusal).Reason);
    }
}
