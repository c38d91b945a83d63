using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Node.Messaging;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Outbound;

namespace SmartLoudspeaker.Node;

/// <summary>
/// One node's MQTT life: connect (rotating over the configured brokers, retrying on the spread schedule of
/// <see cref="ReconnectBackoff"/>) with a Last Will, announce a birth, report health every heartbeat, send events until
/// acknowledged (kept on disk meanwhile), rebirth when a new controller comes online, move back to the first broker
/// once it has stayed reachable, and say goodbye on a clean stop. Nothing received from the wire can crash it.
/// </summary>
public sealed class NodeAgent : IAsyncDisposable, INodeControlHost
{
    private const int MaxSeq = 255;

    /// <summary>Items the live-audio and bulk-media lanes each hold before refusing more (no producer yet).</summary>
    private const int MediaLaneCapacity = 64;

    private readonly NodeAgentSettings _settings;
    private readonly IHealthSource _health;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeAgent> _logger;
    private readonly MqttClientFactory _factory = new();
    private readonly EventOutbox _outbox;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly long _startTimestamp;
    private readonly string _evackTopic;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly SignedControl? _control;
    private readonly IReadOnlyList<string> _capabilities;
    private readonly string _ackTopic;
    private readonly TopicRouter _router;

    private Task? _runTask;
    private Session? _current;
    private TaskCompletionSource _birthSignal = NewSignal();
    private CancellationToken _goodbyeToken;
    private string? _lastControllerInstance;
    private int _bdSeq;
    private int _connections;
    private int _brokerIndex;
    private long _connectionNumber;
    private long _heartbeatTicks;
    private bool _bdSeqSaveFailed;
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
        _outbox = OpenOutbox(settings, time, logger);
#pragma warning disable CA5394 // Reconnect jitter, not security.
        _random = settings.RandomSeed is { } seed ? new Random(seed) : new Random();
#pragma warning restore CA5394
        _startTimestamp = time.GetTimestamp();
        _bdSeq = settings.DataDirectory is { } directory && BdSeqFile.Read(directory) is { } stored
            ? (stored + 1) % (MaxSeq + 1)
            : settings.InitialBdSeq;
        _evackTopic = Topics.ForNode(settings.NodeId, NodeMessageKind.EventAck);
        _ackTopic = Topics.ForNode(settings.NodeId, NodeMessageKind.CommandAck);
        _heartbeatTicks = LoadHeartbeat(settings, logger).Ticks;
        if (settings.RootPublicKey is { } root)
        {
            _control = new SignedControl(
                settings.NodeId, settings.Zones, root, settings.DataDirectory, settings.TrustSynchronisedSystemClock, time, logger, this);
            _capabilities = settings.Capabilities.Contains(Capabilities.Commands, StringComparer.Ordinal)
                ? settings.Capabilities
                : [.. settings.Capabilities, Capabilities.Commands];
        }
        else
        {
            logger.LogWarning(
                "Node {NodeId}: no root public key configured (Node:Security:RootPublicKey or RootPublicKeyFile); this node obeys NO command",
                settings.NodeId);
            _capabilities = settings.Capabilities;
        }

        _router = new TopicRouter(settings.NodeId, BuildRoutes(), logger);
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
    public long RejectedMessages => _router.Rejected;

    /// <summary>Events waiting for acknowledgement.</summary>
    public int PendingEvents => _outbox.Count;

    /// <summary>Command payloads refused (or dropped unverified in a flood) since start; 0 without signed control.</summary>
    public long RefusedCommands => _control?.RefusedCommands ?? 0;

    /// <summary>The current health interval (configured, or set by a "set-heartbeat" command).</summary>
    public TimeSpan Heartbeat => TimeSpan.FromTicks(Interlocked.Read(ref _heartbeatTicks));

    /// <summary>Signed control, when a root key is configured.</summary>
    internal SignedControl? Control => _control;

    /// <summary>
    /// Raised after each probe of the first broker (true: it accepted a TCP connection), once the next probe is
    /// already scheduled, so a test driving a fake clock knows when to advance it.
    /// </summary>
    internal event Action<bool>? PrimaryProbed;

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

            var connection = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
            var control = _control is { } signed ? Task.Run(() => signed.RunAsync(_stopping.Token), CancellationToken.None) : Task.CompletedTask;
            _runTask = Task.WhenAll(connection, control, _router.RunAsync(_stopping.Token));
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
    /// Records an event in the outbox (on disk before this returns, when the agent has a data folder) and publishes it
    /// at once when connected; it is resent on every new connection, and after a restart, until an
    /// <see cref="EventAck"/> names it. Returns the event id.
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
        _outbox.Dispose();
        if (_runTask is null || _runTask.IsCompleted)
        {
            // Left undisposed otherwise: the loop that failed to stop in time still observes it.
            _stopping.Dispose();
            _control?.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The configured heartbeat, unless a "set-heartbeat" command stored another in the data folder.</summary>
    private static TimeSpan LoadHeartbeat(NodeAgentSettings settings, ILogger logger)
    {
        if (settings.DataDirectory is { } directory && HeartbeatFile.Read(directory) is { } stored)
        {
            if (stored != settings.Heartbeat)
            {
                logger.LogInformation(
                    "Node {NodeId}: heartbeat {Heartbeat} set by the Controller (in {File}) replaces the configured {Configured}",
                    settings.NodeId, stored, HeartbeatFile.FileName, settings.Heartbeat);
            }

            return stored;
        }

        return settings.Heartbeat;
    }

    private static EventOutbox OpenOutbox(NodeAgentSettings settings, TimeProvider time, ILogger logger)
    {
        if (settings.DataDirectory is not { } directory)
        {
            return new EventOutbox(settings.OutboxCapacity);
        }

        try
        {
            var journal = EventJournal.Open(directory, time, logger, out var recovered);
            if (recovered.Count > 0)
            {
                logger.LogInformation("Node {NodeId}: {Count} unacknowledged event(s) recovered from {Path}", settings.NodeId, recovered.Count, journal.Path);
            }

            return new EventOutbox(settings.OutboxCapacity, journal, recovered, logger);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogError(
                "Node {NodeId}: cannot keep the event outbox in {DataDirectory} ({Error}); events are kept in memory only",
                settings.NodeId, directory, exception.Message);
            return new EventOutbox(settings.OutboxCapacity);
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var brokerIndex = 0;
        var bdSeq = BdSeq;
        var first = true;

        // The retry lattice of ReconnectBackoff: the index of the next retry since the loss (0: none scheduled yet)
        // and when the previous one was due.
        var retry = 0;
        var due = _time.GetUtcNow();
        while (!stop.IsCancellationRequested)
        {
            bdSeq = first ? bdSeq : (bdSeq + 1) % (MaxSeq + 1);
            first = false;
            Volatile.Write(ref _bdSeq, bdSeq);
            SaveBdSeq(bdSeq);
            var end = await ConnectAndRunAsync(brokerIndex, bdSeq, stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                break;
            }

            switch (end)
            {
                case SessionEnd.Failback:
                    // A planned move: straight to the primary; a failure there starts a fresh schedule.
                    brokerIndex = 0;
                    retry = 0;
                    continue;
                case SessionEnd.Lost:
                    // The same broker first: the loss may have been the link, not the broker.
                    retry = 0;
                    break;
                default:
                    // Failed, refused or unusable: that broker may be down or misconfigured alone; try the next.
                    brokerIndex = (brokerIndex + 1) % _settings.Brokers.Count;
                    break;
            }

            var delay = NextRetryDelay(ref retry, ref due);
            if (delay > TimeSpan.Zero)
            {
                _logger.LogDebug("Node {NodeId}: next connect attempt, to {Broker}, in {Delay}", NodeId, _settings.Brokers[brokerIndex], delay);
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

    /// <summary>
    /// Advances the retry lattice: the first retry after a loss is a random phase from now, each later one a fixed gap
    /// after the previous one was due; a slot already past (the attempt overran it) is skipped, keeping the phase.
    /// </summary>
    private TimeSpan NextRetryDelay(ref int retry, ref DateTimeOffset due)
    {
        var now = _time.GetUtcNow();
        if (_settings.ReconnectWindow <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        if (retry == 0)
        {
            due = now;
        }

        do
        {
            lock (_randomGate)
            {
                due += ReconnectBackoff.Delay(retry, _settings.ReconnectWindow, _settings.ReconnectBackoffCap, _random);
            }

            retry++;
        }
        while (due < now);

        return due - now;
    }

    private void SaveBdSeq(int bdSeq)
    {
        if (_settings.DataDirectory is not { } directory)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(directory);
            BdSeqFile.Save(directory, bdSeq);
            _bdSeqSaveFailed = false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            if (!_bdSeqSaveFailed)
            {
                _logger.LogWarning(
                    "Node {NodeId}: cannot store bdSeq in {DataDirectory} ({Error}); after a restart it may repeat one",
                    NodeId, directory, exception.Message);
                _bdSeqSaveFailed = true;
            }
        }
    }

    private async Task<SessionEnd> ConnectAndRunAsync(int brokerIndex, int bdSeq, CancellationToken stop)
    {
        var broker = _settings.Brokers[brokerIndex];
        var client = _factory.CreateMqttClient();
        try
        {
            if (!await TryConnectAsync(client, broker, bdSeq, stop).ConfigureAwait(false))
            {
                return SessionEnd.NotConnected;
            }

            Volatile.Write(ref _brokerIndex, brokerIndex);
            Interlocked.Increment(ref _connections);
            return await RunSessionAsync(client, brokerIndex, bdSeq, stop).ConfigureAwait(false);
        }
        finally
        {
            // Disposing a still-open connection drops it without DISCONNECT: the broker then sends the Will,
            // which is right for any session we abandon without a goodbye.
            client.Dispose();
        }
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
        // MQTTnet applies its own Timeout only when the token cannot be cancelled; ours can, so it carries the timeout.
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            var result = await client.ConnectAsync(options, attempt.Token).ConfigureAwait(false);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                _logger.LogInformation("Node {NodeId}: connected to {Broker} (bdSeq {BdSeq})", NodeId, broker, bdSeq);
                return true;
            }

            // A refusal may be one broker's configuration (credentials, ACL, a ban): counted as a failed attempt.
            _logger.LogWarning(
                "Node {NodeId}: broker {Broker} refused the connection: {ResultCode} {Reason}",
                NodeId, broker, result.ResultCode, result.ReasonString);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Any connect failure (refused port, DNS, TLS, timeout) means: try the next broker later.
        catch (Exception) when (timeout.IsCancellationRequested)
        {
            // MQTTnet reports a cancelled CONNECT as "connection closed"; say what really happened.
            _logger.LogWarning("Node {NodeId}: cannot connect to {Broker}: no CONNACK within {Timeout}", NodeId, broker, _settings.ConnectTimeout);
        }
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: cannot connect to {Broker}: {Error}", NodeId, broker, exception.GetBaseException().Message);
        }

        return false;
    }

    /// <summary>Runs one connection until it is lost, moved away from, or the agent stops.</summary>
    private async Task<SessionEnd> RunSessionAsync(IMqttClient client, int brokerIndex, int bdSeq, CancellationToken stop)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var session = new Session(client, brokerIndex, bdSeq, Interlocked.Increment(ref _connectionNumber));
        client.ApplicationMessageReceivedAsync += args =>
        {
            var message = args.ApplicationMessage;
            _router.Dispatch(message.Topic, message.Payload, message.Retain);
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += _ =>
        {
            CancelQuietly(lost);
            return Task.CompletedTask;
        };
        if (!client.IsConnected)
        {
            return SessionEnd.Unusable;
        }

        var birthPublished = false;
        var failback = false;

        // Started before the birth is queued, so its first probe is already scheduled when the birth is signalled.
        var probing = brokerIndex == 0 ? Task.CompletedTask : ProbePrimaryAsync(session, lost.Token);
        session.Post(WorkKind.Birth);
        using var heartbeat = _time.CreateTimer(
            _ => session.Post(WorkKind.Health), null, Heartbeat, Heartbeat);
        session.HeartbeatTimer = heartbeat;
        Volatile.Write(ref _current, session);
        var clockSync = Task.CompletedTask;
        Work? inFlight = null;
        try
        {
            await client.SubscribeAsync(_router.BuildSubscriptions(_factory), lost.Token).ConfigureAwait(false);
            if (_control is { } control)
            {
                clockSync = ScheduleTimeRequestsAsync(session, control, lost.Token);
            }

            // The session's one publisher: everything it sends is taken here, most urgent lane first.
            await foreach (var work in session.Outbound.ReadAllAsync(lost.Token).ConfigureAwait(false))
            {
                inFlight = work;
                switch (work.Kind)
                {
                    case WorkKind.Publish:
                        await PublishAsync(session.Client, work.Message!, lost.Token).ConfigureAwait(false);
                        work.Sent?.TrySetResult(true);
                        break;
                    case WorkKind.TimeRequest:
                        await PublishTimeRequestAsync(session, lost.Token).ConfigureAwait(false);
                        break;
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
                    case WorkKind.Failback:
                        failback = true;
                        break;
                }

                inFlight = null;
                if (failback)
                {
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

            // What this connection will not send is reported unsent (an acknowledgement is answered again on a resend).
            inFlight?.Sent?.TrySetResult(false);
            foreach (var left in session.Outbound.Complete())
            {
                left.Sent?.TrySetResult(false);
            }

            ResetBirthSignal();
            CancelQuietly(lost);
            await probing.ConfigureAwait(false);
            await clockSync.ConfigureAwait(false);
        }

        if (stop.IsCancellationRequested && client.IsConnected)
        {
            await SayGoodbyeAsync(client, bdSeq).ConfigureAwait(false);
            return SessionEnd.Stopped;
        }

        if (failback && client.IsConnected && await MoveAwayAsync(client, brokerIndex, bdSeq).ConfigureAwait(false))
        {
            return SessionEnd.Failback;
        }

        _logger.LogWarning("Node {NodeId}: connection to {Broker} lost (bdSeq {BdSeq})", NodeId, _settings.Brokers[brokerIndex], bdSeq);
        return birthPublished ? SessionEnd.Lost : SessionEnd.Unusable;
    }

    /// <summary>
    /// Everything the node subscribes to, one registration per message kind: its filter, QoS, payload kind and size
    /// cap, and where it goes. Order is subscription order.
    /// </summary>
    private List<TopicRoute> BuildRoutes()
    {
        List<TopicRoute> routes =
        [
            TopicRoute.Inline(_evackTopic, MqttQualityOfServiceLevel.AtLeastOnce, PayloadKind.Json, HandleEventAck),
            TopicRoute.Inline(Topics.ControllerState, MqttQualityOfServiceLevel.AtLeastOnce, PayloadKind.Json, HandleControllerState),
        ];
        if (_control is { } control)
        {
            // Verified on the control worker, never on the receive loop; a full queue drops it (the worker reports drops).
            TopicRoute ToControl(string filter, MqttQualityOfServiceLevel qos, InboundKind kind) =>
                TopicRoute.Inline(filter, qos, PayloadKind.Json, message =>
                {
                    control.TryEnqueue(kind, message.Topic, message.Payload);
                    return null;
                });

            // Certificates first: the broker sends retained messages in subscription order, before newer commands.
            routes.Add(ToControl(Topics.ControllerKeys, MqttQualityOfServiceLevel.AtLeastOnce, InboundKind.KeyCertificate));
            routes.Add(ToControl(Topics.ControllerRevocations, MqttQualityOfServiceLevel.AtLeastOnce, InboundKind.Revocations));
            routes.Add(ToControl(Topics.ForNode(NodeId, NodeMessageKind.TimeReply), MqttQualityOfServiceLevel.AtMostOnce, InboundKind.TimeReply));
            routes.Add(ToControl(Topics.ForNode(NodeId, NodeMessageKind.Command), MqttQualityOfServiceLevel.AtLeastOnce, InboundKind.Command));
            routes.Add(ToControl(Topics.FleetCommands, MqttQualityOfServiceLevel.AtLeastOnce, InboundKind.Command));
            routes.AddRange(_settings.Zones.Select(zone =>
                ToControl(Topics.ForZoneCommands(zone), MqttQualityOfServiceLevel.AtLeastOnce, InboundKind.Command)));
        }

        return routes;
    }

    /// <summary>
    /// Asks the Controller for its time at connect, then every <see cref="ControllerClock.SyncInterval"/>, or every
    /// <see cref="ControllerClock.RetryInterval"/> while the node's time is not trusted. Each request is queued on the
    /// control lane and stamped when its turn comes, so time spent queued is not counted as network delay.
    /// Replies go to the control worker.
    /// </summary>
    private async Task ScheduleTimeRequestsAsync(Session session, SignedControl control, CancellationToken token)
    {
        try
        {
            while (session.Post(WorkKind.TimeRequest))
            {
                var wait = control.CurrentTime().Trusted ? ControllerClock.SyncInterval : ControllerClock.RetryInterval;
                await Task.Delay(wait, _time, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The session ended.
        }
    }

    private async Task PublishTimeRequestAsync(Session session, CancellationToken cancellationToken)
    {
        var request = _control!.Clock.NewRequest(_time.GetUtcNow());
        await PublishAsync(
            session.Client,
            new OutboundMessage(Topics.ForNode(NodeId, NodeMessageKind.TimeRequest), WireCodec.Encode(request), MqttQualityOfServiceLevel.AtMostOnce),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Leaves a broker on purpose (fail-back): a normal DISCONNECT, so the broker discards the Will, and no death of our
    /// own: the node is not going offline, and the controller should see only the next session's birth.
    /// </summary>
    private async Task<bool> MoveAwayAsync(IMqttClient client, int brokerIndex, int bdSeq)
    {
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        try
        {
            await client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                timeout.Token).ConfigureAwait(false);
            _logger.LogInformation(
                "Node {NodeId}: left {Broker} (bdSeq {BdSeq}) to move back to {Primary}",
                NodeId, _settings.Brokers[brokerIndex], bdSeq, _settings.Brokers[0]);
            return true;
        }
#pragma warning disable CA1031 // A failed DISCONNECT means the link broke meanwhile: an ordinary loss.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: leaving {Broker} failed: {Error}", NodeId, _settings.Brokers[brokerIndex], exception.GetBaseException().Message);
            return false;
        }
    }

    /// <summary>
    /// While connected to a backup broker: probes the first broker with a bare TCP connect (an MQTT session with our
    /// client id would take over our own session) every <see cref="NodeAgentSettings.FailbackProbeInterval"/> ±20 %,
    /// and asks the session to move back after <see cref="NodeAgentSettings.FailbackAfterHealthyProbes"/> successes in
    /// a row: one failure starts the count again, so a flapping primary never draws the node back.
    /// </summary>
    private async Task ProbePrimaryAsync(Session session, CancellationToken token)
    {
        var primary = _settings.Brokers[0];
        var healthy = 0;
        try
        {
            var wait = Task.Delay(NextProbeDelay(), _time, token);
            while (true)
            {
                await wait.ConfigureAwait(false);
                var reachable = await IsReachableAsync(primary, token).ConfigureAwait(false);
                healthy = reachable ? healthy + 1 : 0;
                _logger.LogDebug(
                    "Node {NodeId}: primary broker {Broker} {Outcome} ({Healthy}/{Needed} in a row)",
                    NodeId, primary, reachable ? "reachable" : "unreachable", healthy, _settings.FailbackAfterHealthyProbes);
                if (healthy >= _settings.FailbackAfterHealthyProbes)
                {
                    _logger.LogInformation("Node {NodeId}: primary broker {Broker} healthy for {Count} probes; moving back", NodeId, primary, healthy);
                    session.Post(WorkKind.Failback);
                    PrimaryProbed?.Invoke(reachable);
                    return;
                }

                wait = Task.Delay(NextProbeDelay(), _time, token);
                PrimaryProbed?.Invoke(reachable);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The session ended.
        }
    }

    private TimeSpan NextProbeDelay()
    {
        lock (_randomGate)
        {
#pragma warning disable CA5394 // Spreading probes, not security.
            return _settings.FailbackProbeInterval * (0.8 + (0.4 * _random.NextDouble()));
#pragma warning restore CA5394
        }
    }

    private async Task<bool> IsReachableAsync(BrokerEndpoint broker, CancellationToken token)
    {
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(broker.Host, broker.Port, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
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
            Capabilities = _capabilities,
            Zones = _settings.Zones,
            HeartbeatSeconds = (int)Heartbeat.TotalSeconds,
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

        _control?.ObserveSystemClock(sample.Clock);
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
            Clock = _control?.ReportClock(sample.Clock) ?? sample.Clock,
            Relays = sample.Relays,
            Inputs = sample.Inputs,
            Audio = sample.Audio,
            RefusedCommands = _control?.RefusedCommands,
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

    private static Task PublishAsync(IMqttClient client, OutboundMessage message, CancellationToken cancellationToken) =>
        PublishAsync(client, message.Topic, message.Payload, message.Qos, cancellationToken);

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

    /// <summary>Runs on MQTTnet's receive loop (an inline route): decide, never publish.</summary>
    private string? HandleEventAck(InboundPayload message)
    {
        var decoded = WireCodec.Decode<EventAck>(message.Payload);
        if (!decoded.Succeeded)
        {
            return $"{decoded.Failure}: {decoded.Detail}";
        }

        var removed = _outbox.Acknowledge(decoded.Message!.Ids);
        _logger.LogDebug("Node {NodeId}: {Removed} event(s) acknowledged, {Pending} pending", NodeId, removed, _outbox.Count);
        return null;
    }

    /// <summary>Runs on MQTTnet's receive loop (an inline route): decide and post work to the session, never publish.</summary>
    private string? HandleControllerState(InboundPayload message)
    {
        if (message.Payload.Length == 0)
        {
            // An empty retained publish clears the topic; nothing to act on.
            _logger.LogDebug("Node {NodeId}: controller state cleared", NodeId);
            return null;
        }

        var decoded = WireCodec.Decode<ControllerState>(message.Payload);
        if (!decoded.Succeeded)
        {
            return $"{decoded.Failure}: {decoded.Detail}";
        }

        var state = decoded.Message!;
        if (!state.Online)
        {
            _logger.LogInformation("Node {NodeId}: controller {Instance} is offline", NodeId, state.Instance);
            return null;
        }

        var previous = Interlocked.Exchange(ref _lastControllerInstance, state.Instance);
        if (message.Retained || string.Equals(previous, state.Instance, StringComparison.Ordinal))
        {
            // A retained state arrives with our subscription, just before (or after) the birth of this connection,
            // so that birth already serves the controller it names.
            return null;
        }

        _logger.LogInformation("Node {NodeId}: controller {Instance} came online; rebirth", NodeId, state.Instance);
        Volatile.Read(ref _current)?.Post(WorkKind.Rebirth);
        return null;
    }

    /// <summary>
    /// Queues the acknowledgement on the control lane of the current connection and waits until the broker has it
    /// (QoS 1); false when there is no connection, it ends first, or the broker does not answer in time.
    /// </summary>
    async Task<bool> INodeControlHost.PublishAckAsync(CommandAck ack, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is not { } session || !session.Client.IsConnected)
        {
            return false;
        }

        var work = Work.Publish(new OutboundMessage(_ackTopic, WireCodec.Encode(ack), MqttQualityOfServiceLevel.AtLeastOnce));
        if (!session.Outbound.TryPost(OutboundLane.Control, work))
        {
            return false;
        }

        try
        {
            return await work.Sent!.Task.WaitAsync(_settings.ConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The connection stalls; the Controller resends and gets the same answer.
            return false;
        }
    }

    Task INodeControlHost.RaiseEventAsync(string kind, EventSeverity severity, string? code, string? text) =>
        RaiseEventAsync(kind, severity, code, text);

    NodeIdentity INodeControlHost.Describe(bool clockTrusted, long commandHighWater) => new()
    {
        NodeId = NodeId,
        Zones = _settings.Zones,
        Software = _settings.SoftwareVersion,
        Model = _health.Hardware.Model,
        BdSeq = BdSeq,
        HeartbeatSeconds = (int)Heartbeat.TotalSeconds,
        UptimeSeconds = UptimeSeconds(),
        ClockTrusted = clockTrusted,
        CommandHighWater = commandHighWater,
    };

    void INodeControlHost.Rebirth() => Volatile.Read(ref _current)?.Post(WorkKind.Rebirth);

    void INodeControlHost.SetHeartbeat(TimeSpan interval)
    {
        Interlocked.Exchange(ref _heartbeatTicks, interval.Ticks);
        if (_settings.DataDirectory is { } directory)
        {
            try
            {
                HeartbeatFile.Save(directory, interval);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(
                    "Node {NodeId}: cannot store the heartbeat in {DataDirectory} ({Error}); after a restart it is the configured one again",
                    NodeId, directory, exception.Message);
            }
        }

        _logger.LogInformation("Node {NodeId}: heartbeat is now {Heartbeat}", NodeId, interval);
        if (Volatile.Read(ref _current) is { } session)
        {
            session.HeartbeatTimer?.Change(interval, interval);
            session.Post(WorkKind.Rebirth);
        }
    }

    async ValueTask<ClockHealth?> INodeControlHost.ReadSystemClockAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _health.ReadAsync(cancellationToken).ConfigureAwait(false)).Clock;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A broken reading leaves the clock untrusted; it must not stop the worker.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogDebug("Node {NodeId}: clock state unreadable: {Error}", NodeId, exception.GetBaseException().Message);
            return null;
        }
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
        /// <summary>A message already composed (an acknowledgement).</summary>
        Publish,

        /// <summary>A clock-sync request, stamped when it is sent.</summary>
        TimeRequest,
        Birth,
        Rebirth,
        Health,
        FlushEvents,
        Failback,
    }

    /// <summary>How one connect attempt (and the session it opened) ended.</summary>
    private enum SessionEnd
    {
        /// <summary>The connect failed, timed out or was refused.</summary>
        NotConnected,

        /// <summary>Connected, but the session ended before its birth went out.</summary>
        Unusable,

        /// <summary>A working session was lost.</summary>
        Lost,

        /// <summary>Left on purpose to move back to the first broker.</summary>
        Failback,

        /// <summary>The agent is stopping.</summary>
        Stopped,
    }

    /// <summary>One item for a session's publisher: work that composes its messages when its turn comes, or a ready one.</summary>
    private sealed record Work(WorkKind Kind, OutboundMessage? Message = null, TaskCompletionSource<bool>? Sent = null)
    {
        public static Work Publish(OutboundMessage message) =>
            new(WorkKind.Publish, message, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>One connection: its client, numbers and the lanes that serialise everything it publishes.</summary>
    private sealed class Session(IMqttClient client, int brokerIndex, int bdSeq, long connectionNumber)
    {
        public IMqttClient Client { get; } = client;

        public int BrokerIndex { get; } = brokerIndex;

        public int BdSeq { get; } = bdSeq;

        public long ConnectionNumber { get; } = connectionNumber;

        public OutboundLanes<Work> Outbound { get; } = new(MediaLaneCapacity);

        /// <summary>The health timer, so a "set-heartbeat" command can change its period.</summary>
        public ITimer? HeartbeatTimer { get; set; }

        /// <summary>Sequence of the last message; only the session's publisher touches it.</summary>
        public int Seq { get; set; }

        public int NextSeq()
        {
            Seq = (Seq + 1) % (MaxSeq + 1);
            return Seq;
        }

        /// <summary>Queues work on the control lane; false once the session has ended.</summary>
        public bool Post(WorkKind work) => Outbound.TryPost(OutboundLane.Control, new Work(work));
    }
}
