using System.Net;
using System.Net.Sockets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Access;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Authentication;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// The MQTTnet broker inside the controller process (Broker:Mode = Embedded). Registered as the first hosted service
/// so it listens before the controller's own client connects to it. With Broker:Mode = External it does nothing.
/// Every CONNECT is authenticated against the account directory and every publish and subscription checked against
/// <see cref="BrokerAccessRules"/>; an account that leaves the directory or changes loses its connection at once.
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IDisposable
{
    private readonly BrokerOptions _options;
    private readonly ControllerIdentity _identity;
    private readonly ControllerMetrics _metrics;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _clock;
    private readonly IBrokerAccountDirectory _directory;
    private readonly BrokerRefusalLog _refusals;
    private readonly BrokerPasswordCheck _passwords = new();
    private readonly BrokerAuthenticator _authenticator;
    private readonly BrokerServerCertificate _certificate;
    private readonly EnrolmentSenders _enrolmentSenders;
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
        TimeProvider clock,
        IBrokerAccountDirectory directory,
        BrokerRefusalLog refusals,
        BrokerServerCertificate certificate,
        EnrolmentSenders enrolmentSenders)
    {
        _options = options.Value;
        _identity = identity;
        _metrics = metrics;
        _logger = logger;
        _loggerFactory = loggerFactory;
        _clock = clock;
        _directory = directory;
        _refusals = refusals;
        _authenticator = new BrokerAuthenticator(directory, _passwords, identity.ClientId);
        _directory.Changed += OnAccountChanged;
        _certificate = certificate;
        _enrolmentSenders = enrolmentSenders;
    }

    /// <summary>The TCP port the broker listens on once started (the one the OS chose when Broker:Port is 0); 0 before.</summary>
    public int Port { get; private set; }

    /// <summary>The TLS port once started (the one the OS chose when Broker:Tls:Port is 0); 0 before, or with TLS off.</summary>
    public int TlsPort { get; private set; }

    /// <summary>The address the broker listens on.</summary>
    public IPAddress BindAddress => IPAddress.Parse(_options.BindAddress);

    /// <summary>True while the embedded broker is running.</summary>
    public bool IsRunning => _server?.IsStarted ?? false;

    /// <summary>PBKDF2 runs the connection checks made so far (a remembered password costs none).</summary>
    internal long PasswordDerivations => _passwords.Derivations;

    /// <summary>Raised once the connections of a changed account were dealt with; the username (tests wait on it).</summary>
    internal event Action<string>? AccountChangeApplied;

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
        var (v4, v6) = address.AddressFamily == AddressFamily.InterNetworkV6 ? (IPAddress.None, address)
            : (address, address.Equals(IPAddress.Any) ? IPAddress.IPv6Any : IPAddress.IsLoopback(address) ? IPAddress.IPv6Loopback : IPAddress.None);
        builder.WithDefaultEndpointBoundIPAddress(v4).WithDefaultEndpointBoundIPV6Address(v6);
        if (_options.Tls.Enabled)
        {
            _certificate.Load();
            BrokerTlsEndpoint.Add(builder, _options.Tls.Port, v4, v6, _certificate);
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
            var ports = _options.Tls.Enabled ? $"{_options.Port} or TLS port {_options.Tls.Port}" : $"{_options.Port}";
            var message = exception.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"The embedded MQTT broker cannot listen on {address}:{ports}: the port is already in use "
                  + "(another broker such as Mosquitto, or another controller, is running). Stop it, choose another port "
                  + "with Broker:Port or Broker:Tls:Port (environment Broker__Port, or --Broker:Port=1884), or use that broker with "
                  + "Broker:Mode=External and Broker:Host."
                : $"The embedded MQTT broker cannot listen on {address}:{ports}: {exception.Message}. "
                  + "Check Broker:BindAddress, Broker:Port and Broker:Tls:Port.";
            _logger.LogCritical("{Message}", message);
            throw new InvalidOperationException(message, exception);
        }

        _server = server;
        Port = serverOptions.DefaultEndpointOptions.Port;
        _logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}", address, Port);
        if (_options.Tls.Enabled)
        {
            TlsPort = serverOptions.TlsEndpointOptions.Port;
            _logger.LogInformation("Embedded MQTT broker listening with TLS on {Address}:{TlsPort}; nodes pin {CaFile}", address, TlsPort, _certificate.IsGenerated ? _certificate.AuthorityFile : "the commune's CA");
        }
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
        _refusals.Record(refusal.Endpoint, null, refusal.ClientId, refusal.Reason);
        _logger.LogWarning(
            "Broker closed the connection of client {ClientId} from {Endpoint}: {Reason}, {Detail}",
            refusal.ClientId ?? "(before CONNECT)", refusal.Endpoint, refusal.Reason, refusal.Detail);
    }

    private async Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs connection)
    {
        var decision = _authenticator.Decide(connection.UserName, connection.RawPassword, connection.ClientId);
        if (decision.Account is not { } account)
        {
            connection.ReasonCode = decision.ReasonCode;
            RefuseConnection(connection, decision.Refusal!);
            ObserverClientIds.KeepRefusalReason(connection);
            return;
        }

        if (account.Kind == BrokerAccountKind.Observer)
        {
            if (ObserverClientIds.Assign(connection) is not { } assigned)
            {
                connection.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                RefuseConnection(connection, BrokerConnectDecision.ClientIdNotBound);
                return;
            }

            _logger.LogInformation("Observer from {Endpoint} watches as {ClientId}", connection.RemoteEndPoint, assigned);
        }

        BrokerSessionAccount.Set(connection.SessionItems, account);
        BrokerSessionEndpoint.Set(connection.SessionItems, connection.RemoteEndPoint);

        var clientId = connection.ClientId ?? string.Empty;
        if (_server is not { } server)
        {
            return;
        }

        // Asked of the broker itself rather than counted alongside it: its list is what holds the sockets, and a
        // takeover's old connection is still in it. A client id can only be presented by the identity it is bound
        // to, so a client already holding it is this identity's own earlier connection: let in, and counted.
        var others = 0;
        foreach (var client in await server.GetClientsAsync())
        {
            if (string.Equals(client.Id, clientId, StringComparison.Ordinal))
            {
                _metrics.BrokerTakeovers.Inc();
                _metrics.BrokerTakeoversByAccount.WithLabels(account.Username).Inc();
                _refusals.Takeovers.Record(account.Username);
                _logger.LogWarning(
                    "Broker session of {ClientId} taken over by its own identity from {Endpoint} (the connection from {OldEndpoint} is closed)",
                    clientId, connection.RemoteEndPoint, client.RemoteEndPoint);
                return;
            }

            if (!string.Equals(client.Id, _identity.ClientId, StringComparison.Ordinal))
            {
                others++;
            }
        }

        if (account.Kind != BrokerAccountKind.Controller && others >= _options.MaxConnections)
        {
            connection.ReasonCode = MqttConnectReasonCode.ServerBusy;
            _metrics.BrokerRefused.WithLabels("connection-limit").Inc();
            _refusals.Record(connection.RemoteEndPoint, connection.UserName, clientId, "connection-limit");
            _logger.LogWarning(
                "Broker refused a connection by client {ClientId} from {Endpoint}: connection-limit ({Max} clients connected, Broker:MaxConnections)",
                clientId, connection.RemoteEndPoint, others);
        }
    }

    private void RefuseConnection(ValidatingConnectionEventArgs connection, string reason)
    {
        _metrics.BrokerRefused.WithLabels(reason).Inc();
        _refusals.Record(connection.RemoteEndPoint, connection.UserName, connection.ClientId, reason);
        _logger.LogWarning(
            "Broker refused a connection from {Endpoint} as user {Username} with client id {ClientId}: {Reason}",
            connection.RemoteEndPoint, connection.UserName ?? "(none)", connection.ClientId ?? "(none)", reason);
    }

    /// <summary>
    /// An account was put or removed: every connection authenticated as its username under other terms (removed, a new
    /// password or key, other zones) is closed at once, so a revoked node is off the broker now and a node whose zones
    /// changed resubscribes under its new list. Unchanged accounts (a start-up put of the same thing) keep theirs.
    /// </summary>
    private void OnAccountChanged(string username)
    {
        _passwords.Forget(username);
        if (_server is { IsStarted: true } server)
        {
            _ = DisconnectChangedAsync(server, username, _directory.Find(username));
        }
        else
        {
            AccountChangeApplied?.Invoke(username);
        }
    }

    private async Task DisconnectChangedAsync(MqttServer server, string username, BrokerAccount? current)
    {
        try
        {
            foreach (var client in await server.GetClientsAsync())
            {
                if (client.Session?.Items is not { } items || BrokerSessionAccount.Of(items) is not { } account
                    || !string.Equals(account.Username, username, StringComparison.Ordinal)
                    || (current is not null && SameTerms(account, current)))
                {
                    continue;
                }

                await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized });
                _metrics.BrokerAccountDisconnects.Inc();
                _logger.LogWarning(
                    "Broker disconnected {ClientId} from {Endpoint}: its account {Username} was {Change}",
                    client.Id, client.RemoteEndPoint, username, current is null ? "removed" : "changed");
            }
        }
#pragma warning disable CA1031 // Fire-and-forget from a directory event: a failure is logged, the enrolment call that caused it must not fail.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogError(exception, "Broker could not disconnect the connections of account {Username}", username);
        }

        AccountChangeApplied?.Invoke(username);
    }

    /// <summary>The topics of the retained messages held under <paramref name="prefix"/> (tests).</summary>
    internal async Task<IReadOnlyList<string>> RetainedTopicsAsync(string prefix) =>
        _server is { } server
            ? [.. (await server.GetRetainedMessagesAsync()).Select(message => message.Topic).Where(topic => topic.StartsWith(prefix, StringComparison.Ordinal))]
            : [];

    private static bool SameTerms(BrokerAccount held, BrokerAccount current) =>
        held.Kind == current.Kind
        && string.Equals(held.PasswordHash, current.PasswordHash, StringComparison.Ordinal)
        && held.Zones.SequenceEqual(current.Zones, StringComparer.Ordinal);

    private async Task OnClientConnectedAsync(ClientConnectedEventArgs args)
    {
        ClientSubscriptions.Of(args.SessionItems).Connected();

        // A session kept across a takeover keeps the items of its first CONNECT, so the account is set again from the
        // directory; one removed while this client was connecting is shut out now rather than left connected.
        if (args.UserName is { } username && _directory.Find(username) is { } account)
        {
            BrokerSessionAccount.Set(args.SessionItems, account);
        }
        else if (_server is { } server)
        {
            await server.DisconnectClientAsync(args.ClientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized });
            _metrics.BrokerAccountDisconnects.Inc();
            _logger.LogWarning("Broker disconnected {ClientId}: its account {Username} was removed while it connected", args.ClientId, args.UserName);
        }
    }

    private Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        var clientId = args.ClientId ?? string.Empty;
        var subscriptions = ClientSubscriptions.Of(args.SessionItems);
        var account = BrokerSessionAccount.Of(args.SessionItems);
        if (account is null || !BrokerAccessRules.MaySubscribe(account, args.TopicFilter.Topic, BrokerAccessRules.EnrollingNodeId(clientId)))
        {
            args.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            _metrics.BrokerRefused.WithLabels(BrokerAccessRules.SubscribeNotPermitted).Inc();
            _refusals.Record(BrokerSessionEndpoint.Of(args.SessionItems), args.UserName, clientId, BrokerAccessRules.SubscribeNotPermitted, args.TopicFilter.Topic);
            if (subscriptions.FirstRefusalOnThisConnection())
            {
                _logger.LogWarning(
                    "Broker refused a subscription by client {ClientId} to {TopicFilter}: {Reason}; further refusals on this connection are counted, not logged",
                    clientId, args.TopicFilter.Topic, BrokerAccessRules.SubscribeNotPermitted);
            }

            return Task.CompletedTask;
        }

        if (account.Kind == BrokerAccountKind.Controller)
        {
            return Task.CompletedTask;
        }

        if (subscriptions.TryAdd(args.TopicFilter.Topic, _options.MaxSubscriptionsPerClient))
        {
            return Task.CompletedTask;
        }

        // A reason code of 0x80 or more is not granted: the broker answers it in the SUBACK and keeps no subscription.
        args.Response.ReasonCode = MqttSubscribeReasonCode.QuotaExceeded;
        _metrics.BrokerRefused.WithLabels("subscription-limit").Inc();
        _refusals.Record(BrokerSessionEndpoint.Of(args.SessionItems), args.UserName, clientId, "subscription-limit", args.TopicFilter.Topic);
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
        _directory.Changed -= OnAccountChanged;
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
        var message = args.ApplicationMessage;
        var reason = BrokerSessionAccount.Of(args.SessionItems) is { } account
            ? BrokerAccessRules.PublishRefusal(account, topic, message.Retain, BrokerAccessRules.EnrollingNodeId(clientId))
              ?? LiveAudioPublishRules.Refusal(topic, message.QualityOfServiceLevel, message.Payload.Length)
            : BrokerAccessRules.PublishNotPermitted;
        if (reason is null)
        {
            if (Topics.TryParseEnrolmentRequest(topic, out var claimed))
            {
                _enrolmentSenders.Published(claimed, args.SessionItems);
            }

            return Task.CompletedTask;
        }

        // Consumed without routing: a QoS 1 sender still gets its PUBACK, so a misconfigured client does not retry.
        args.ProcessPublish = false;
        _metrics.BrokerRefused.WithLabels(reason).Inc();
        _refusals.Record(BrokerSessionEndpoint.Of(args.SessionItems), args.UserName, clientId, reason, topic);
        _logger.LogWarning("Broker refused a publish by client {ClientId} on {Topic}: {Reason}", clientId, topic, reason);
        PublishRefused?.Invoke(new BrokerRefusal(clientId, topic, reason));
        return Task.CompletedTask;
    }
}
