using System.Diagnostics;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests;

/// <summary>A technician watches the wire with a plain <c>mosquitto_sub</c>, which connects without a client id.</summary>
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
    public async Task Plain_mosquitto_sub_without_a_client_id_sees_the_wire()
    {
        var output = await RunAsync(
            "mosquitto_sub", "-h", "127.0.0.1", "-p", _host.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", "sl/v1/#", "-v", "-C", "1", "-W", "10");

        Assert.StartsWith("sl/v1/controller/state {\"v\":1,\"online\":true", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_observer_cannot_speak_for_a_node()
    {
        var refusal = _host.WaitForBrokerRefusal();

        await RunAsync(
            "mosquitto_pub", "-h", "127.0.0.1", "-p", _host.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", "sl/v1/node/thon-1/death", "-q", "1", "-m", "{\"v\":1}");

        Assert.Equal("client-id-mismatch", (await refusal).Reason);
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {errors}");
        return output;
    }
}
