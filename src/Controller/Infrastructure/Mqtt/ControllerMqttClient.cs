using System.Net;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Outbound;

namespace SmartLoudspeaker.Controller.Infrastructure.Mqtt;

/// <summary>
/// The controller's one MQTT client. It talks to the embedded broker exactly as to Mosquitto (same code path), with a
/// Last Will that marks the controller offline on <see cref="Topics.ControllerState"/>. Everything it publishes waits
/// in the connection's <see cref="OutboundLanes{T}"/> and one sender per connection hands it to MQTTnet, most urgent
/// lane first, so a command or an acknowledgement is never queued behind live audio or a media transfer.
/// </summary>
internal sealed class ControllerMqttClient : IMqttPublisher, IDisposable
{
    /// <summary>
    /// Messages the control lane holds before refusing more. Every control producer copes with a refusal (a command
    /// stays stored and is resent, a node resends an unacknowledged event and repeats its clock-sync request), and
    /// a fleet of thousands reconnecting at once must cost bounded memory, not a queue that grows with the outage.
    /// </summary>
    internal const int ControlLaneCapacity = 10_000;

    /// <summary>Messages the live-audio and bulk-media lanes each hold before refusing more (no producer yet).</summary>
    internal const int MediaLaneCapacity = 1_000;

    /// <summary>
    /// Publishes handed to MQTTnet and not yet answered. More than one, because waiting for each PUBACK before the
    /// next publish would cap the Controller at one message per round trip for the whole fleet; few, because what
    /// MQTTnet holds is no longer ordered by lane: a control message waits for at most this many, never for the lanes.
    /// </summary>
    internal const int MaxInFlight = 16;

    private readonly BrokerOptions _options;
    private readonly EmbeddedBroker _embeddedBroker;
    private readonly ControllerIdentity _identity;
    private readonly ControllerBrokerCredentials _credentials;
    private readonly ControllerMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly IMqttClient _client;
    private readonly ILogger<ControllerMqttClient> _logger;
    private Connection? _connection;

    public ControllerMqttClient(
        IOptions<BrokerOptions> options,
        EmbeddedBroker embeddedBroker,
        ControllerIdentity identity,
        ControllerBrokerCredentials credentials,
        ControllerMetrics metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _embeddedBroker = embeddedBroker;
        _identity = identity;
        _credentials = credentials;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _client = new MqttClientFactory().CreateMqttClient(new MqttNetLoggerAdapter(loggerFactory.CreateLogger("MQTTnet.Client"), LogLevel.Debug));
        _logger = loggerFactory.CreateLogger<ControllerMqttClient>();

        // Subscribed before anyone else can (the services that publish take this client in their constructors), so
        // what was still queued for a lost connection is answered before the reconnect loop starts a new one.
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>The underlying client, for the connection service's events.</summary>
    public IMqttClient Client => _client;

    /// <summary>Where the broker is: the embedded one over loopback when it listens on every interface.</summary>
    public (string Host, int Port) Endpoint()
    {
        if (_options.Mode == BrokerMode.External)
        {
            return (_options.Host!, _options.Port);
        }

        var address = _embeddedBroker.BindAddress;
        var host = address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : address;
        return (host.ToString(), _embeddedBroker.Port);
    }

    /// <summary>Connects, subscribes to every node topic and announces this controller instance (retained).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var (host, port) = Endpoint();

        // New lanes before the connect: publishers woken by MQTTnet's connected event find them in place.
        StartConnection();
        var will = WireCodec.Encode(new ControllerState
        {
            Online = false,
            Instance = _identity.Instance,
            Ts = _timeProvider.GetUtcNow(),
        });
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(_identity.ClientId)
            .WithCredentials(_credentials.Username, _credentials.Password)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(Topics.ControllerState)
            .WithWillPayload(will)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        // A refused CONNACK does not throw in MQTTnet 5; it comes back as a result code.
        var connected = await _client.ConnectAsync(options, cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in Topics.ControllerSubscriptions)
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
        await PublishStateAsync(online: true, cancellationToken);
    }

    /// <summary>Says goodbye (retained offline state) and disconnects cleanly, so the broker does not send the Will.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        await PublishStateAsync(online: false, cancellationToken);
        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
    }

    public Task<bool> PublishAsync(string topic, byte[] payload, bool atLeastOnce, bool retain, CancellationToken cancellationToken) =>
        PublishAsync(OutboundLane.Control, topic, payload, atLeastOnce, retain, cancellationToken);

    public async Task<bool> PublishAsync(
        OutboundLane lane, string topic, byte[] payload, bool atLeastOnce, bool retain, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected || Volatile.Read(ref _connection) is not { } connection)
        {
            return false;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(atLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
            .WithRetainFlag(retain)
            .Build();
        var outgoing = new Outgoing(message, cancellationToken);
        if (!connection.Lanes.TryPost(lane, outgoing))
        {
            _logger.LogDebug("Not publishing to {Topic}: the {Lane} lane is full or the connection ended", topic, lane);
            return false;
        }

        return await outgoing.Sent.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        EndConnection();
        _client.Dispose();
    }

    private void StartConnection()
    {
        var connection = new Connection();
        EndConnection(Interlocked.Exchange(ref _connection, connection));
        _ = SendAllAsync(connection);
    }

    private void EndConnection() => EndConnection(Interlocked.Exchange(ref _connection, null));

    /// <summary>Closes the lanes of a connection that is over and answers what never had its turn: not sent.</summary>
    private static void EndConnection(Connection? connection)
    {
        foreach (var left in connection?.Lanes.Complete() ?? [])
        {
            left.Sent.TrySetResult(false);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        EndConnection();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The connection's one sender: takes the most urgent waiting message only once a place in the in-flight window is
    /// free, so a message posted meanwhile on a higher lane still overtakes everything queued on a lower one.
    /// </summary>
    private async Task SendAllAsync(Connection connection)
    {
        await connection.InFlight.Writer.WriteAsync(true);
        await foreach (var outgoing in connection.Lanes.ReadAllAsync(CancellationToken.None))
        {
            _ = SendAsync(connection, outgoing);
            await connection.InFlight.Writer.WriteAsync(true);
        }
    }

    private async Task SendAsync(Connection connection, Outgoing outgoing)
    {
        try
        {
            outgoing.Token.ThrowIfCancellationRequested();
            if (!_client.IsConnected)
            {
                outgoing.Sent.TrySetResult(false);
                return;
            }

            var result = await _client.PublishAsync(outgoing.Message, outgoing.Token);
            if (result.IsSuccess)
            {
                _metrics.MessagesPublished.WithLabels(KindOf(outgoing.Message.Topic)).Inc();
            }

            outgoing.Sent.TrySetResult(result.IsSuccess);
        }
        catch (OperationCanceledException) when (outgoing.Token.IsCancellationRequested)
        {
            outgoing.Sent.TrySetCanceled(outgoing.Token);
        }
#pragma warning disable CA1031 // Not swallowed: the caller awaiting this publish gets the exception, as it did before the lanes.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            outgoing.Sent.TrySetException(exception);
        }
        finally
        {
            connection.InFlight.Reader.TryRead(out _);
        }
    }

    private Task<bool> PublishStateAsync(bool online, CancellationToken cancellationToken) =>
        PublishAsync(
            Topics.ControllerState,
            WireCodec.Encode(new ControllerState { Online = online, Instance = _identity.Instance, Ts = _timeProvider.GetUtcNow() }),
            atLeastOnce: true,
            retain: true,
            cancellationToken);

    /// <summary>Metrics label of a topic the controller publishes: its last level ("evack", "cmd") or "state".</summary>
    private static string KindOf(string topic) => topic[(topic.LastIndexOf('/') + 1)..];

    /// <summary>One message waiting for its turn, and the caller waiting for its result.</summary>
    private sealed record Outgoing(MqttApplicationMessage Message, CancellationToken Token)
    {
        public TaskCompletionSource<bool> Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One connection's lanes and its in-flight window (a ticket per publish handed to MQTTnet).</summary>
    private sealed class Connection
    {
        public OutboundLanes<Outgoing> Lanes { get; } = new(MediaLaneCapacity, ControlLaneCapacity);

        public Channel<bool> InFlight { get; } = Channel.CreateBounded<bool>(MaxInFlight);
    }
}
