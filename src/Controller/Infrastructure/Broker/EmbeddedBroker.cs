using System.Net;
using System.Net.Sockets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// The MQTTnet broker inside the controller process (Broker:Mode = Embedded). Registered as the first hosted service
/// so it listens before the controller's own client connects to it. With Broker:Mode = External it does nothing.
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IDisposable
{
    private readonly BrokerOptions _options;
    private readonly ControllerIdentity _identity;
    private readonly ControllerMetrics _metrics;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _clock;
    private readonly Lock _stopGate = new();
    private MqttServer? _server;
    private Task? _stopped;

    /// <summary>Created by dependency injection.</summary>
    public EmbeddedBroker(
        IOptions<BrokerOptions> options,
        ControllerIdentity identity,
        ControllerMetrics metrics,
        ILogger<EmbeddedBroker> logger,
        ILoggerFactory loggerFactory,
        TimeProvider clock)
    {
        _options = options.Value;
        _identity = identity;
        _metrics = metrics;
        _logger = logger;
        _loggerFactory = loggerFactory;
        _clock = clock;
    }

    /// <summary>The TCP port the broker listens on once started (the one the OS chose when Broker:Port is 0); 0 before.</summary>
    public int Port { get; private set; }

    /// <summary>The address the broker listens on.</summary>
    public IPAddress BindAddress => IPAddress.Parse(_options.BindAddress);

    /// <summary>True while the embedded broker is running.</summary>
    public bool IsRunning => _server?.IsStarted ?? false;

    /// <summary>Raised for every publish the broker refuses (tests wait on it).</summary>
    internal event Action<BrokerRefusal>? PublishRefused;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Mode != BrokerMode.Embedded)
        {
            return;
        }

        var address = BindAddress;
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(_options.Port)
            // A connection that never sends CONNECT holds a socket; MQTTnet's default would keep it 100 s.
            .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(10))
            .WithMaxPendingMessagesPerClient(_options.MaxQueuedMessagesPerClient)
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropOldestQueuedMessage);

        // MQTTnet opens an IPv4 and an IPv6 listener on the same port; keep the IPv6 one as open as the IPv4 one.
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            builder.WithDefaultEndpointBoundIPAddress(IPAddress.None).WithDefaultEndpointBoundIPV6Address(address);
        }
        else
        {
            var v6 = address.Equals(IPAddress.Any) ? IPAddress.IPv6Any
                : IPAddress.IsLoopback(address) ? IPAddress.IPv6Loopback
                : IPAddress.None;
            builder.WithDefaultEndpointBoundIPAddress(address).WithDefaultEndpointBoundIPV6Address(v6);
        }

        var serverOptions = builder.Build();
        var mqttLogger = new MqttNetLoggerAdapter(_loggerFactory.CreateLogger("MQTTnet.Server"));
        // Our listeners instead of MQTTnet's: they read every packet's head before MQTTnet buffers its body (Guard/).
        var listeners = new GuardedTcpServerAdapter(
            new PacketLimits(_options, _identity.ClientId), _clock, OnConnectionRefused, _loggerFactory.CreateLogger<GuardedTcpServerAdapter>());
        var server = new MqttServerFactory().CreateMqttServer(serverOptions, [listeners], mqttLogger);
        server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        server.ClientConnectedAsync += OnClientConnectedAsync;
        server.InterceptingSubscriptionAsync += OnInterceptingSubscriptionAsync;
        server.ClientUnsubscribedTopicAsync += OnClientUnsubscribedTopicAsync;
        try
        {
            await server.StartAsync();
        }
        catch (SocketException exception)
        {
            server.Dispose();
            var message = exception.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"The embedded MQTT broker cannot listen on {address}:{_options.Port}: the port is already in use "
                  + "(another broker such as Mosquitto, or another controller, is running). Stop it, choose another port "
                  + "with Broker:Port (environment Broker__Port, or --Broker:Port=1884), or use that broker with "
                  + "Broker:Mode=External and Broker:Host."
                : $"The embedded MQTT broker cannot listen on {address}:{_options.Port}: {exception.Message}. "
                  + "Check Broker:BindAddress and Broker:Port.";
            _logger.LogCritical("{Message}", message);
            throw new InvalidOperationException(message, exception);
        }

        _server = server;
        Port = serverOptions.DefaultEndpointOptions.Port;
        _logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}", address, Port);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Idempotent: under <c>WebApplicationFactory</c> the host can be stopped twice at once (by the factory and by
    /// <c>app.Run</c> returning), and MQTTnet's listener cleanup is not safe to run concurrently.
    /// </remarks>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopGate)
        {
            return _stopped ??= StopServerAsync();
        }
    }

    private void OnConnectionRefused(GuardRefusal refusal)
    {
        _metrics.BrokerRefused.WithLabels(refusal.Reason).Inc();
        _logger.LogWarning(
            "Broker closed the connection of client {ClientId} from {Endpoint}: {Reason}, {Detail}",
            refusal.ClientId ?? "(before CONNECT)", refusal.Endpoint, refusal.Reason, refusal.Detail);
    }

    private async Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs connection)
    {
        if (ObserverClientIds.AssignIfAnonymous(connection) is { } assigned)
        {
            _logger.LogInformation("Anonymous MQTT client from {Endpoint} observes as {ClientId}", connection.RemoteEndPoint, assigned);
        }

        var clientId = connection.ClientId ?? string.Empty;
        if (_server is not { } server || string.Equals(clientId, _identity.ClientId, StringComparison.Ordinal))
        {
            return;
        }

        // Asked of the broker itself rather than counted alongside it: its list is what holds the sockets, and a
        // takeover's old connection is still in it, so a reconnecting client is recognised and let in.
        var others = 0;
        foreach (var client in await server.GetClientsAsync())
        {
            if (string.Equals(client.Id, clientId, StringComparison.Ordinal))
            {
                return;
            }

            if (!string.Equals(client.Id, _identity.ClientId, StringComparison.Ordinal))
            {
                others++;
            }
        }

        if (others >= _options.MaxConnections)
        {
            connection.ReasonCode = MqttConnectReasonCode.ServerBusy;
            _metrics.BrokerRefused.WithLabels("connection-limit").Inc();
            _logger.LogWarning(
                "Broker refused a connection by client {ClientId} from {Endpoint}: connection-limit ({Max} clients connected, Broker:MaxConnections)",
                clientId, connection.RemoteEndPoint, others);
        }
    }

    private Task OnClientConnectedAsync(ClientConnectedEventArgs args)
    {
        ClientSubscriptions.Of(args.SessionItems).Connected();
        return Task.CompletedTask;
    }

    private Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        var clientId = args.ClientId ?? string.Empty;
        if (string.Equals(clientId, _identity.ClientId, StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        var subscriptions = ClientSubscriptions.Of(args.SessionItems);
        if (subscriptions.TryAdd(args.TopicFilter.Topic, _options.MaxSubscriptionsPerClient))
        {
            return Task.CompletedTask;
        }

        // A reason code of 0x80 or more is not granted: the broker answers it in the SUBACK and keeps no subscription.
        args.Response.ReasonCode = MqttSubscribeReasonCode.QuotaExceeded;
        _metrics.BrokerRefused.WithLabels("subscription-limit").Inc();
        if (subscriptions.FirstRefusalOnThisConnection())
        {
            _logger.LogWarning(
                "Broker refused a subscription by client {ClientId} to {TopicFilter}: subscription-limit ({Max} filters, Broker:MaxSubscriptionsPerClient); further refusals on this connection are counted, not logged",
                clientId, args.TopicFilter.Topic, _options.MaxSubscriptionsPerClient);
        }

        return Task.CompletedTask;
    }

    private Task OnClientUnsubscribedTopicAsync(ClientUnsubscribedTopicEventArgs args)
    {
        ClientSubscriptions.Of(args.SessionItems).Remove(args.TopicFilter);
        return Task.CompletedTask;
    }

    private async Task StopServerAsync()
    {
        if (_server is { IsStarted: true } server)
        {
            await server.StopAsync(new MqttServerStopOptions());
            _logger.LogInformation("Embedded MQTT broker stopped");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_stopGate)
        {
            _stopped ??= Task.CompletedTask;
        }

        _server?.Dispose();
    }

    private Task OnInterceptingPublishAsync(InterceptingPublishEventArgs args)
    {
        var topic = args.ApplicationMessage.Topic ?? string.Empty;
        var clientId = args.ClientId ?? string.Empty;
        var reason = BrokerPolicy.Check(clientId, topic, args.ApplicationMessage.Retain, _identity.ClientId);
        if (reason is null)
        {
            return Task.CompletedTask;
        }

        // Consumed without routing: a QoS 1 sender still gets its PUBACK, so a misconfigured client does not retry.
        args.ProcessPublish = false;
        _metrics.BrokerRefused.WithLabels(reason).Inc();
        _logger.LogWarning("Broker refused a publish by client {ClientId} on {Topic}: {Reason}", clientId, topic, reason);
        PublishRefused?.Invoke(new BrokerRefusal(clientId, topic, reason));
        return Task.CompletedTask;
    }
}
