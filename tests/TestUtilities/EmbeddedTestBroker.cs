using System.Collections.Concurrent;
using System.Net;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Server;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>
/// A real MQTTnet broker on a free loopback port, for tests that need one of their own.
/// It collects every error the broker logs, so a test can fail on them (MQTTnet's own test habit).
/// </summary>
public sealed class EmbeddedTestBroker : IAsyncDisposable
{
    private readonly MqttServer server;
    private readonly ConcurrentQueue<string> errors = new();

    private EmbeddedTestBroker(MqttServer server, int port, MqttNetEventLogger logger)
    {
        this.server = server;
        Port = port;
        logger.LogMessagePublished += (_, e) =>
        {
            if (e.LogMessage.Level == MqttNetLogLevel.Error)
            {
                errors.Enqueue(e.LogMessage.ToString());
            }
        };
    }

    /// <summary>The loopback port the broker listens on.</summary>
    public int Port { get; }

    /// <summary>Errors the broker logged so far.</summary>
    public IReadOnlyCollection<string> Errors => errors;

    /// <summary>The broker itself, for hooks a test wants to observe.</summary>
    public MqttServer Server => server;

    /// <summary>Starts a broker on <paramref name="port"/> (0: any free port).</summary>
    public static async Task<EmbeddedTestBroker> StartAsync(int port = 0)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .Build();
        var logger = new MqttNetEventLogger("test-broker");
        var server = new MqttServerFactory().CreateMqttServer(options, logger);
        await server.StartAsync();

        // MQTTnet writes the port it bound back into the options when asked for port 0.
        return new EmbeddedTestBroker(server, options.DefaultEndpointOptions.Port, logger);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await server.StopAsync();
        server.Dispose();
    }
}
