using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Server;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>
/// The embedded broker's TCP listeners in place of MQTTnet's own (passed to <c>CreateMqttServer</c>): the same
/// endpoints, addresses (IPv4 and IPv6 listeners, <see cref="IPAddress.None"/> for none) and socket options, with every
/// connection read through a <see cref="PacketGuardStream"/>. MQTTnet 5 has no packet-size limit and allocates a
/// body from its declared length; this is where one is enforced before that happens.
/// </summary>
internal sealed class GuardedTcpServerAdapter : IMqttServerAdapter
{
    private readonly PacketLimits _limits;
    private readonly TimeProvider _clock;
    private readonly Action<GuardRefusal> _refused;
    private readonly ILogger _logger;
    private readonly List<GuardedTcpListener> _listeners = [];
    private CancellationTokenSource? _stopping;

    /// <summary>An adapter holding connections to <paramref name="limits"/>; refusals go to <paramref name="refused"/>.</summary>
    public GuardedTcpServerAdapter(PacketLimits limits, TimeProvider clock, Action<GuardRefusal> refused, ILogger logger)
    {
        _limits = limits;
        _clock = clock;
        _refused = refused;
        _logger = logger;
    }

    /// <inheritdoc />
    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>MQTTnet's logger, handed to each connection's channel adapter.</summary>
    internal IMqttNetLogger MqttLogger { get; private set; } = MqttNetNullLogger.Instance;

    /// <inheritdoc />
    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        if (_stopping is not null)
        {
            throw new InvalidOperationException("The listeners are already started.");
        }

        MqttLogger = logger;
        _stopping = new CancellationTokenSource();
        try
        {
            if (options.DefaultEndpointOptions.IsEnabled)
            {
                Listen(options, options.DefaultEndpointOptions);
            }

            if (options.TlsEndpointOptions?.IsEnabled == true)
            {
                if (options.TlsEndpointOptions.CertificateProvider is null)
                {
                    throw new ArgumentException("TLS certificate is not set.");
                }

                Listen(options, options.TlsEndpointOptions);
            }
        }
        catch
        {
            Stop();
            throw;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    /// <summary>Wraps one connection's stream (plain or TLS) in a guard that reports to this adapter.</summary>
    internal PacketGuardStream Guard(Stream stream, EndPoint? remoteEndPoint) =>
        new(stream, _limits, _clock, remoteEndPoint, _refused);

    /// <summary>A connection ended by an exception before or outside MQTTnet's own handling.</summary>
    internal void ConnectionFailed(EndPoint? remoteEndPoint, Exception exception)
    {
        if (exception is ObjectDisposedException or IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            // The client went away, or failed or stalled the TLS handshake: nothing the operator must act on.
            _logger.LogDebug(exception, "MQTT connection from {Endpoint} ended before MQTT", remoteEndPoint);
        }
        else
        {
            _logger.LogError(exception, "MQTT connection from {Endpoint} failed", remoteEndPoint);
        }
    }

    /// <summary>Accepting a connection failed for a reason other than the listener stopping.</summary>
    internal void AcceptFailed(EndPoint localEndPoint, SocketException exception) =>
        _logger.LogError(exception, "MQTT listener on {Endpoint} could not accept a connection ({Error}); retrying in 1 s", localEndPoint, exception.SocketErrorCode);

    private void Listen(MqttServerOptions options, MqttServerTcpEndpointBaseOptions endpoint)
    {
        // IPv4 first: with port 0 it picks the port, written back into the endpoint, and the IPv6 listener takes the same.
        foreach (var address in new[] { endpoint.BoundInterNetworkAddress, endpoint.BoundInterNetworkV6Address })
        {
            if (address.Equals(IPAddress.None))
            {
                continue;
            }

            var listener = new GuardedTcpListener(options, endpoint, address, this);
            _listeners.Add(listener);
            var stopping = _stopping!.Token;
            _ = Task.Run(() => listener.AcceptAsync(stopping), CancellationToken.None);
        }
    }

    private void Stop()
    {
        _stopping?.Cancel();
        _stopping?.Dispose();
        _stopping = null;
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
    }
}
