using MQTTnet;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;

namespace SmartLoudspeaker.Controller.Infrastructure.Mqtt;

/// <summary>
/// Keeps the controller's MQTT client connected (MQTTnet 5 has no managed client) and hands every received message
/// to the ingest pipeline. Reconnect pacing uses real time on purpose: it paces a network socket, it decides nothing,
/// and a test's fake clock must not stall the connection.
/// </summary>
internal sealed class MqttConnectionService : BackgroundService
{
    private static readonly TimeSpan EmbeddedConnectTimeout = TimeSpan.FromSeconds(10);
    private readonly ControllerMqttClient _client;
    private readonly IngestPipeline _ingest;
    private readonly ControllerMetrics _metrics;
    private readonly BrokerOptions _options;
    private readonly ILogger<MqttConnectionService> _logger;
    private readonly Lock _stopGate = new();
    private readonly TaskCompletionSource _firstConnection = NewSignal();
    private TaskCompletionSource _disconnected = NewSignal();
    private volatile bool _stopping;
    private Task? _stopped;

    public MqttConnectionService(
        ControllerMqttClient client,
        IngestPipeline ingest,
        ControllerMetrics metrics,
        IOptions<BrokerOptions> options,
        ILogger<MqttConnectionService> logger)
    {
        _client = client;
        _ingest = ingest;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _client.Client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;
        _client.Client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>Completes when the client has connected, subscribed and announced itself for the first time.</summary>
    public Task FirstConnection => _firstConnection.Task;

    /// <inheritdoc />
    /// <remarks>
    /// With the embedded broker, start-up waits (briefly) for the first connection, so a started host is a ready
    /// one: nothing a node publishes after start-up can be missed for want of a subscription. An external broker may
    /// be down at start; the controller then starts anyway and keeps trying.
    /// </remarks>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        if (_options.Mode != BrokerMode.Embedded)
        {
            return;
        }

        try
        {
            await FirstConnection.WaitAsync(EmbeddedConnectTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Not yet connected to the embedded broker after {Timeout}; starting anyway and retrying", EmbeddedConnectTimeout);
        }
    }

    /// <inheritdoc />
    /// <remarks>Idempotent: the host may be stopped twice at once (see <see cref="Broker.EmbeddedBroker.StopAsync"/>).</remarks>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopGate)
        {
            return _stopped ??= StopClientAsync(cancellationToken);
        }
    }

    private async Task StopClientAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await base.StopAsync(cancellationToken);
        try
        {
            await _client.DisconnectAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            _logger.LogDebug("Disconnect at shutdown failed: {Message}", exception.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var (host, port) = _client.Endpoint();
            try
            {
                _disconnected = NewSignal();
                await _client.ConnectAsync(stoppingToken);
                _metrics.MqttConnected.Set(1);
                _logger.LogInformation("Connected to the MQTT broker at {Host}:{Port} as {ClientId}", host, port, _client.Client.Options.ClientId);
                failures = 0;
                _firstConnection.TrySetResult();
                await _disconnected.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException
                or MQTTnet.Adapter.MqttConnectingFailedException or OperationCanceledException or InvalidOperationException)
            {
                // Log the first failure of an outage loudly and the repeats quietly: a broker down for an hour
                // must not fill the disk with identical lines.
                failures++;
                var level = failures == 1 ? LogLevel.Warning : LogLevel.Debug;
                _logger.Log(level, "Cannot reach the MQTT broker at {Host}:{Port} (attempt {Attempt}): {Message}", host, port, failures, exception.Message);
            }

            _metrics.MqttConnected.Set(0);
            try
            {
                await Task.Delay(_options.ReconnectDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        _metrics.MqttConnected.Set(0);
        if (args.ClientWasConnected && !_stopping)
        {
            _logger.LogWarning("Lost the MQTT broker connection: {Reason}", args.Exception?.Message ?? args.Reason.ToString());
        }

        _disconnected.TrySetResult();
        return Task.CompletedTask;
    }

    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        // Not awaited: MQTTnet hands over one message at a time, so awaiting each store write's fsync would allow one
        // write per fsync and defeat group commit. The pipeline reads the payload and queues its store write before
        // its first await (so order is kept), never throws, and sends the application acknowledgement (EventAck)
        // only after the durability point. The broker's PUBACK therefore means "received", as docs/protocol.md says;
        // what must not be lost is acknowledged by the application.
        _ = _ingest.HandleAsync(args.ApplicationMessage.Topic, args.ApplicationMessage.Payload, args.ApplicationMessage.Retain, CancellationToken.None);
        return Task.CompletedTask;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
