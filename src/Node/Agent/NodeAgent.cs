using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node;

/// <summary>
/// One node's MQTT life: connect (rotating over the configured brokers, with jittered exponential backoff) with a
/// Last Will, announce a birth, report health every heartbeat, send events until acknowledged, rebirth when a new
/// controller comes online, and say goodbye on a clean stop. Nothing received from the wire can crash it.
/// </summary>
public sealed class NodeAgent : IAsyncDisposable
{
    private const int MaxSeq = 255;

    private readonly NodeAgentSettings _settings;
    private readonly IHealthSource _health;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeAgent> _logger;
    private readonly MqttClientFactory _factory = new();
    private readonly EventOutbox _outbox;
    private readonly Random _random;
    private readonly long _startTimestamp;
    private readonly string _evackTopic;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();

    private Task? _runTask;
    private Session? _current;
    private TaskCompletionSource _birthSignal = NewSignal();
    private CancellationToken _goodbyeToken;
    private string? _lastControllerInstance;
    private int _bdSeq;
    private int _connections;
    private int _brokerIndex;
    private long _rejectedMessages;
    private long _connectionNumber;
    private bool _disposed;

    /// <summary>Creates an agent; nothing happens on the network until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The settings are invalid (the message lists every problem).</exception>
    public NodeAgent(NodeAgentSettings settings, IHealthSource health, TimeProvider time, ILogger<NodeAgent> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        settings.Validate();
        _settings = settings;
        _health = health;
        _time = time;
        _logger = logger;
        _outbox = new EventOutbox(settings.OutboxCapacity);
#pragma warning disable CA5394 // Reconnect jitter, not security.
        _random = settings.RandomSeed is { } seed ? new Random(seed) : new Random();
#pragma warning restore CA5394
        _startTimestamp = time.GetTimestamp();
        _bdSeq = settings.InitialBdSeq;
        _evackTopic = Topics.ForNode(settings.NodeId, NodeMessageKind.EventAck);
    }

    /// <summary>This node's id (and MQTT client id).</summary>
    public string NodeId => _settings.NodeId;

    /// <summary>True while an MQTT connection is up.</summary>
    public bool IsConnected => Volatile.Read(ref _current)?.Client.IsConnected == true;

    /// <summary>bdSeq of the current (or latest attempted) session, 0–255.</summary>
    public int BdSeq => Volatile.Read(ref _bdSeq);

    /// <summary>Index in <see cref="NodeAgentSettings.Brokers"/> of the broker last connected to.</summary>
    public int BrokerIndex => Volatile.Read(ref _brokerIndex);

    /// <summary>Successful connections since this agent started.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Received payloads refused (malformed, unknown version, oversized, unexpected topic).</summary>
    public long RejectedMessages => Interlocked.Read(ref _rejectedMessages);

    /// <summary>Events waiting for acknowledgement.</summary>
    public int PendingEvents => _outbox.Count;

    /// <summary>Starts connecting in the background; returns at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_runTask is not null)
            {
                throw new InvalidOperationException("The agent has already been started.");
            }

            _runTask = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Clean shutdown: publishes a death with reason "shutdown" and the current bdSeq, then disconnects normally, so the
    /// broker discards the Will. Safe to call more than once, or without <see cref="StartAsync"/>.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? run;
        lock (_gate)
        {
            run = _runTask;
            if (run is not null && !_stopping.IsCancellationRequested)
            {
                _goodbyeToken = cancellationToken;
                _stopping.Cancel();
            }
        }

        if (run is not null)
        {
            await run.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes once a birth has been published on the current connection (or the next one).</summary>
    public Task WaitForBirthAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _birthSignal).Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Records an event in the outbox and publishes it at once when connected; it is resent on every new connection
    /// until an <see cref="EventAck"/> names it. Returns the event id.
    /// </summary>
    public Task<string> RaiseEventAsync(string kind, EventSeverity severity, string? code, string? text)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (string.IsNullOrWhiteSpace(kind) || kind.Length > 64)
        {
            throw new ArgumentException("An event kind is required (at most 64 characters).", nameof(kind));
        }

        if (text is { Length: > 1024 })
        {
            throw new ArgumentException("Event text is at most 1024 characters.", nameof(text));
        }

        var pending = new PendingEvent(Guid.NewGuid().ToString("N"), _time.GetUtcNow(), kind, severity, code, text);
        if (_outbox.Add(pending) is { } dropped)
        {
            _logger.LogWarning(
                "Node {NodeId}: event outbox full ({Capacity}); dropped unacknowledged event {EventId} ({Kind})",
                NodeId, _outbox.Capacity, dropped.Id, dropped.Kind);
        }

        Volatile.Read(ref _current)?.Post(WorkKind.FlushEvents);
        return Task.FromResult(pending.Id);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_settings.ConnectTimeout);
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Node {NodeId}: did not stop within {Timeout}", NodeId, _settings.ConnectTimeout);
        }

        _disposed = true;
        if (_runTask is null || _runTask.IsCompleted)
        {
            // Left undisposed otherwise: the loop that failed to stop in time still observes it.
            _stopping.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task RunAsync(CancellationToken stop)
    {
        var attempt = 0;
        var brokerIndex = 0;
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            var bdSeq = first ? _settings.InitialBdSeq : (BdSeq + 1) % (MaxSeq + 1);
            first = false;
            Volatile.Write(ref _bdSeq, bdSeq);
            var broker = _settings.Brokers[brokerIndex];
            var client = _factory.CreateMqttClient();
            var usable = false;
            try
            {
                if (await TryConnectAsync(client, broker, bdSeq, stop).ConfigureAwait(false))
                {
                    Volatile.Write(ref _brokerIndex, brokerIndex);
                    Interlocked.Increment(ref _connections);
                    usable = await RunSessionAsync(client, brokerIndex, bdSeq, stop).ConfigureAwait(false);
                }
                else
                {
                    brokerIndex = (brokerIndex + 1) % _settings.Brokers.Count;
                }
            }
            finally
            {
                // Disposing a still-open connection drops it without DISCONNECT: the broker then sends the Will,
                // which is right for any session we abandon without a goodbye.
                client.Dispose();
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            attempt = usable ? 0 : attempt + 1;
            var delay = ReconnectBackoff.Delay(Math.Max(0, attempt - 1), _settings.ReconnectBackoffBase, _settings.ReconnectBackoffCap, _random);
            if (delay > TimeSpan.Zero)
            {
                _logger.LogDebug("Node {NodeId}: next connect attempt in {Delay}", NodeId, delay);
                try
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        _logger.LogInformation("Node {NodeId}: stopped", NodeId);
    }

    private async Task<bool> TryConnectAsync(IMqttClient client, BrokerEndpoint broker, int bdSeq, CancellationToken stop)
    {
        var will = new NodeDeath { NodeId = NodeId, BdSeq = bdSeq, Reason = DeathReason.Lost, Ts = _time.GetUtcNow() };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(NodeId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession()
            .WithKeepAlivePeriod(_settings.KeepAlive)
            .WithTimeout(_settings.ConnectTimeout)
            .WithWillTopic(Topics.ForNode(NodeId, NodeMessageKind.Death))
            .WithWillPayload(WireCodec.Encode(will))
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(false)
            .Build();
        try
        {
            var result = await client.ConnectAsync(options, stop).ConfigureAwait(false);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                _logger.LogInformation("Node {NodeId}: connected to {Broker} (bdSeq {BdSeq})", NodeId, broker, bdSeq);
                return true;
            }

            _logger.LogWarning("Node {NodeId}: broker {Broker} refused the connection: {ResultCode}", NodeId, broker, result.ResultCode);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Any connect failure (refused port, DNS, TLS, timeout) means: try the next broker later.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: cannot connect to {Broker}: {Error}", NodeId, broker, exception.GetBaseException().Message);
        }

        return false;
    }

    /// <summary>Runs one connection until it is lost or the agent stops; true when the birth went out.</summary>
    private async Task<bool> RunSessionAsync(IMqttClient client, int brokerIndex, int bdSeq, CancellationToken stop)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var session = new Session(client, brokerIndex, bdSeq, Interlocked.Increment(ref _connectionNumber));
        client.ApplicationMessageReceivedAsync += args =>
        {
            HandleReceived(args.ApplicationMessage, session);
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += _ =>
        {
            CancelQuietly(lost);
            return Task.CompletedTask;
        };
        if (!client.IsConnected)
        {
            return false;
        }

        var birthPublished = false;
        session.Post(WorkKind.Birth);
        using var heartbeat = _time.CreateTimer(
            _ => session.Post(WorkKind.Health), null, _settings.Heartbeat, _settings.Heartbeat);
        Volatile.Write(ref _current, session);
        try
        {
            var subscribe = _factory.CreateSubscribeOptionsBuilder()
                .WithTopicFilter(_evackTopic, MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(Topics.ControllerState, MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await client.SubscribeAsync(subscribe, lost.Token).ConfigureAwait(false);

            await foreach (var work in session.Work.Reader.ReadAllAsync(lost.Token).ConfigureAwait(false))
            {
                switch (work)
                {
                    case WorkKind.Birth:
                        await PublishBirthAsync(session, lost.Token).ConfigureAwait(false);
                        await PublishHealthAsync(session, lost.Token).ConfigureAwait(false);
                        await FlushEventsAsync(session, lost.Token).ConfigureAwait(false);
                        birthPublished = true;
                        Volatile.Read(ref _birthSignal).TrySetResult();
                        break;
                    case WorkKind.Rebirth:
                        await PublishBirthAsync(session, lost.Token).ConfigureAwait(false);
                        await PublishHealthAsync(session, lost.Token).ConfigureAwait(false);
                        break;
                    case WorkKind.Health:
                        await PublishHealthAsync(session, lost.Token).ConfigureAwait(false);
                        break;
                    case WorkKind.FlushEvents:
                        await FlushEventsAsync(session, lost.Token).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed publish or subscribe ends this connection; the loop reconnects.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: session error, reconnecting: {Error}", NodeId, exception.GetBaseException().Message);
        }
        finally
        {
            Volatile.Write(ref _current, null);
            session.Work.Writer.TryComplete();
            ResetBirthSignal();
        }

        if (stop.IsCancellationRequested && client.IsConnected)
        {
            await SayGoodbyeAsync(client, bdSeq).ConfigureAwait(false);
        }
        else
        {
            _logger.LogWarning("Node {NodeId}: connection to {Broker} lost (bdSeq {BdSeq})", NodeId, _settings.Brokers[brokerIndex], bdSeq);
        }

        return birthPublished;
    }

    private async Task SayGoodbyeAsync(IMqttClient client, int bdSeq)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_goodbyeToken);
        timeout.CancelAfter(_settings.ConnectTimeout);
        try
        {
            var death = new NodeDeath { NodeId = NodeId, BdSeq = bdSeq, Reason = DeathReason.Shutdown, Ts = _time.GetUtcNow() };
            await PublishAsync(client, Topics.ForNode(NodeId, NodeMessageKind.Death), WireCodec.Encode(death), MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token)
                .ConfigureAwait(false);
            await client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                timeout.Token).ConfigureAwait(false);
            _logger.LogInformation("Node {NodeId}: said goodbye (bdSeq {BdSeq}) and disconnected", NodeId, bdSeq);
        }
#pragma warning disable CA1031 // The goodbye is best effort; without it the broker's Will reports the node lost.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: goodbye failed, the broker will publish the Will: {Error}", NodeId, exception.GetBaseException().Message);
        }
    }

    private async Task PublishBirthAsync(Session session, CancellationToken cancellationToken)
    {
        session.Seq = 0;
        var birth = new NodeBirth
        {
            NodeId = NodeId,
            BdSeq = session.BdSeq,
            Seq = 0,
            Ts = _time.GetUtcNow(),
            Software = _settings.SoftwareVersion,
            Hardware = _health.Hardware,
            Capabilities = _settings.Capabilities,
            Zones = _settings.Zones,
            HeartbeatSeconds = (int)_settings.Heartbeat.TotalSeconds,
            UptimeSeconds = UptimeSeconds(),
        };
        await PublishAsync(session.Client, Topics.ForNode(NodeId, NodeMessageKind.Birth), WireCodec.Encode(birth), MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken)
            .ConfigureAwait(false);
        _logger.LogInformation("Node {NodeId}: birth published (bdSeq {BdSeq})", NodeId, session.BdSeq);
    }

    private async Task PublishHealthAsync(Session session, CancellationToken cancellationToken)
    {
        HealthSample sample;
        try
        {
            sample = await _health.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A broken sensor skips one report; it must not end the connection.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning(exception, "Node {NodeId}: health reading failed; report skipped", NodeId);
            return;
        }

        var health = new NodeHealth
        {
            Seq = session.NextSeq(),
            BdSeq = session.BdSeq,
            Ts = _time.GetUtcNow(),
            UptimeSeconds = UptimeSeconds(),
            Cpu = sample.Cpu,
            Memory = sample.Memory,
            Link = new LinkHealth
            {
                Type = sample.LinkType,
                SignalDbm = sample.SignalDbm,
                Broker = session.BrokerIndex,
                Connections = Connections,
            },
            Clock = sample.Clock,
            Relays = sample.Relays,
            Inputs = sample.Inputs,
            Audio = sample.Audio,
        };
        await PublishAsync(session.Client, Topics.ForNode(NodeId, NodeMessageKind.Health), WireCodec.Encode(health), MqttQualityOfServiceLevel.AtMostOnce, cancellationToken)
            .ConfigureAwait(false);
        _logger.LogDebug("Node {NodeId}: health published (seq {Seq})", NodeId, health.Seq);
    }

    private async Task FlushEventsAsync(Session session, CancellationToken cancellationToken)
    {
        foreach (var pending in _outbox.NotSentIn(session.ConnectionNumber))
        {
            if (!_outbox.Contains(pending.Id))
            {
                continue;
            }

            var message = new NodeEvent
            {
                Id = pending.Id,
                Seq = session.NextSeq(),
                BdSeq = session.BdSeq,
                Ts = pending.Ts,
                Kind = pending.Kind,
                Severity = pending.Severity,
                Code = pending.Code,
                Text = pending.Text,
            };
            await PublishAsync(session.Client, Topics.ForNode(NodeId, NodeMessageKind.Event), WireCodec.Encode(message), MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken)
                .ConfigureAwait(false);
            pending.SentInConnection = session.ConnectionNumber;
            _logger.LogDebug("Node {NodeId}: event {EventId} ({Kind}) published", NodeId, pending.Id, pending.Kind);
        }
    }

    private static async Task PublishAsync(IMqttClient client, string topic, byte[] payload, MqttQualityOfServiceLevel qos, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(false)
            .Build();
        var result = await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker did not accept the publish to {topic}: {result.ReasonCode}.");
        }
    }

    /// <summary>Runs on MQTTnet's receive loop: decide, post work, never publish here and never throw.</summary>
    private void HandleReceived(MqttApplicationMessage message, Session session)
    {
        var topic = message.Topic;
        try
        {
            if (message.Payload.Length > WireSchema.MaxJsonPayloadBytes)
            {
                Reject(topic, $"{message.Payload.Length} bytes is over the {WireSchema.MaxJsonPayloadBytes}-byte limit");
                return;
            }

            if (topic == _evackTopic)
            {
                HandleEventAck(message.Payload.ToArray(), topic);
            }
            else if (topic == Topics.ControllerState)
            {
                HandleControllerState(message.Payload.ToArray(), message.Retain, session);
            }
            else
            {
                Reject(topic, "unexpected topic");
            }
        }
#pragma warning disable CA1031 // Whatever arrives, the receive loop must survive it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _rejectedMessages);
            _logger.LogWarning(exception, "Node {NodeId}: failed to handle a message on {Topic}", NodeId, topic);
        }
    }

    private void HandleEventAck(byte[] payload, string topic)
    {
        var decoded = WireCodec.Decode<EventAck>(payload);
        if (!decoded.Succeeded)
        {
            Reject(topic, $"{decoded.Failure}: {decoded.Detail}");
            return;
        }

        var removed = _outbox.Acknowledge(decoded.Message!.Ids);
        _logger.LogDebug("Node {NodeId}: {Removed} event(s) acknowledged, {Pending} pending", NodeId, removed, _outbox.Count);
    }

    private void HandleControllerState(byte[] payload, bool retained, Session session)
    {
        if (payload.Length == 0)
        {
            // An empty retained publish clears the topic; nothing to act on.
            _logger.LogDebug("Node {NodeId}: controller state cleared", NodeId);
            return;
        }

        var decoded = WireCodec.Decode<ControllerState>(payload);
        if (!decoded.Succeeded)
        {
            Reject(Topics.ControllerState, $"{decoded.Failure}: {decoded.Detail}");
            return;
        }

        var state = decoded.Message!;
        if (!state.Online)
        {
            _logger.LogInformation("Node {NodeId}: controller {Instance} is offline", NodeId, state.Instance);
            return;
        }

        var previous = Interlocked.Exchange(ref _lastControllerInstance, state.Instance);
        if (retained || string.Equals(previous, state.Instance, StringComparison.Ordinal))
        {
            // A retained state arrives with our subscription, just before (or after) the birth of this connection,
            // so that birth already serves the controller it names.
            return;
        }

        _logger.LogInformation("Node {NodeId}: controller {Instance} came online; rebirth", NodeId, state.Instance);
        session.Post(WorkKind.Rebirth);
    }

    private void Reject(string topic, string reason)
    {
        Interlocked.Increment(ref _rejectedMessages);
        _logger.LogWarning("Node {NodeId}: ignored message on {Topic}: {Reason}", NodeId, topic, reason);
    }

    private void ResetBirthSignal()
    {
        lock (_gate)
        {
            if (_birthSignal.Task.IsCompleted)
            {
                _birthSignal = NewSignal();
            }
        }
    }

    private long UptimeSeconds() => (long)_time.GetElapsedTime(_startTimestamp).TotalSeconds;

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session already ended.
        }
    }

    private enum WorkKind
    {
        Birth,
        Rebirth,
        Health,
        FlushEvents,
    }

    /// <summary>One connection: its client, numbers and the queue that serialises everything it publishes.</summary>
    private sealed class Session(IMqttClient client, int brokerIndex, int bdSeq, long connectionNumber)
    {
        public IMqttClient Client { get; } = client;

        public int BrokerIndex { get; } = brokerIndex;

        public int BdSeq { get; } = bdSeq;

        public long ConnectionNumber { get; } = connectionNumber;

        public Channel<WorkKind> Work { get; } = Channel.CreateUnbounded<WorkKind>(new UnboundedChannelOptions { SingleReader = true });

        /// <summary>Sequence of the last message; only the session loop touches it.</summary>
        public int Seq { get; set; }

        public int NextSeq()
        {
            Seq = (Seq + 1) % (MaxSeq + 1);
            return Seq;
        }

        public void Post(WorkKind work) => Work.Writer.TryWrite(work);
    }
}
