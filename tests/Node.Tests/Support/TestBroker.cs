using System.Collections.Concurrent;
using System.Net;
using MQTTnet;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace SmartLoudspeaker.Node.Tests.Support;

/// <summary>An in-process MQTTnet broker on a free loopback port, recording its own errors and disconnects.</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly ConcurrentQueue<string> _errors = new();

    private TestBroker(MqttServer server)
    {
        _server = server;
    }

    public int Port { get; private set; }

    public MqttServer Server => _server;

    /// <summary>Errors MQTTnet logged inside the broker.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Starts a broker; <paramref name="configure"/> attaches its policy hooks (authentication, interception) first.</summary>
    public static async Task<TestBroker> StartAsync(Action<MqttServer>? configure = null)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(0)
            .Build();
        var logger = new MqttNetEventLogger("broker");
        var server = new MqttServerFactory().CreateMqttServer(options, logger);
        var broker = new TestBroker(server);
        logger.LogMessagePublished += (_, e) =>
        {
            if (e.LogMessage.Level == MqttNetLogLevel.Error)
            {
                broker._errors.Enqueue(e.LogMessage.ToString());
            }
        };
        configure?.Invoke(server);
        await server.StartAsync();
        broker.Port = options.DefaultEndpointOptions.Port;
        return broker;
    }

    /// <summary>A connected client (v3.1.1) with the given id.</summary>
    public async Task<IMqttClient> ConnectClientAsync(string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        await client.ConnectAsync(options);
        return client;
    }

    /// <summary>Publishes from the broker side.</summary>
    public Task InjectAsync(string topic, byte[] payload, bool retain = false) =>
        _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(retain)
                .Build())
        { SenderClientId = "test" });

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }
}
