using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests;

public sealed class BrokerStartupTests
{
    [Fact]
    public void An_occupied_port_stops_the_host_with_a_message_naming_the_port_and_the_fix()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Create(
            data.Path, settings: new Dictionary<string, string?> { ["Broker:Port"] = port.ToString(CultureInfo.InvariantCulture) });

        var exception = Assert.Throws<InvalidOperationException>(host.StartServer);

        Assert.Contains($"127.0.0.1:{port}", exception.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Broker:Port", exception.Message, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Lines, line => line.Level == LogLevel.Critical && line.Message.Contains(port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Port_zero_binds_a_free_port_that_nodes_can_reach()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path);
        Assert.NotEqual(0, host.MqttPort);
        await using var node = await BrokerClient.ConnectAsync(host.MqttPort, "node-p", host.PutNode("node-p", "thon-1"), "node-p");
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, node.ResultCode);
    }
}
