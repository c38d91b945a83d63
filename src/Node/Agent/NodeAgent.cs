using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Node.Audio;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Control;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Identity;
using SmartLoudspeaker.Node.Messaging;
using SmartLoudspeaker.Node.Quiet;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Outbound;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Agent;

/// <summary>
/// One node, wired: its link to the brokers (<see cref="BrokerFailover"/>: connect, fail over, fail back, goodbye)
/// carries the birth, health and events of its reporter and the acknowledgements of signed control; the agent routes
/// what arrives, rebirths when a new controller comes online, and is the host signed control's handlers act on. Its
/// parts are built in <c>Hosting/NodeComposer</c>. Nothing received from the wire can crash it.
/// </summary>
public sealed class NodeAgent : IAsyncDisposable, INodeControlHost, ISessionHandler
{
    private readonly NodeAgentSettings _settings;
    private readonly NodeReporter _reporter;
    private readonly IHealthSource _systemReadings;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeAgent> _logger;
    private readonly string _evackTopic;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly SignedControl? _control;
    private readonly string _ackTopic;
    private readonly TopicRouter _router;
    private readonly BrokerFailover _failover;
    private readonly NodeKeyring _keyring;

    private Task? _runTask;
    private TaskCompletionSource _birthSignal = NewSignal();
    private string? _lastControllerInstance;
    private long _heartbeatTicks;
    private bool _disposed;

    /// <summary>
    /// Creates an agent from the parts <paramref name="compose"/> builds for it (see <c>Hosting/NodeComposer</c>), given
    /// the agent as the host its command handlers act on; nothing happens on the network until <see cref="StartAsync"/>.
    /// </summary>
    internal NodeAgent(NodeAgentSettings settings, Func<INodeControlHost, NodeParts> compose, TimeProvider time, ILogger<NodeAgent> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(compose);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _settings = settings;
        _time = time;
        _logger = logger;
        var parts = compose(this);
        _reporter = parts.Reporter;
        _control = parts.Control;
        _systemReadings = parts.SystemReadings;
        _heartbeatTicks = parts.Heartbeat.Ticks;
        _keyring = parts.Keyring;
        QuietHours = parts.QuietHours;
        AudioSink = parts.AudioSink;
        Audio = parts.Audio;

        _evackTopic = Topics.ForNode(settings.NodeId, NodeMessageKind.EventAck);
        _ackTopic = Topics.ForNode(settings.NodeId, NodeMessageKind.CommandAck);
        _router = new TopicRouter(settings.NodeId, BuildRoutes(), logger);
        var enrolment = new EnrolmentExchange(settings, parts.Keyring, parts.Reporter.Hardware, time, logger);
        _failover = new BrokerFailover(settings, parts.BdSeq, _router, this, parts.Keyring, enrolment, time, logger);
    }

    /// <summary>This node's id (and MQTT client id).</summary>
    public string NodeId => _settings.NodeId;

    /// <summary>True while an MQTT connection is up.</summary>
    public bool IsConnected => _failover.Current?.Client.IsConnected == true;

    /// <summary>bdSeq of the current (or latest attempted) session, 0–255.</summary>
    public int BdSeq => _failover.BdSeq;

    /// <summary>Index in <see cref="NodeAgentSettings.Brokers"/> of the broker last connected to.</summary>
    public int BrokerIndex => _failover.BrokerIndex;

    /// <summary>Successful connections since this agent started.</summary>
    public int Connections => _failover.Connections;

    /// <summary>Received payloads refused (malformed, unknown version, oversized, unexpected topic).</summary>
    public long RejectedMessages => _router.Rejected;

    /// <summary>Events waiting for acknowledgement.</summary>
    public int PendingEvents => _reporter.PendingEvents;

    /// <summary>Command payloads refused (or dropped unverified in a flood) since start; 0 without signed control.</summary>
    public long RefusedCommands => _control?.RefusedCommands ?? 0;

    /// <summary>Event acknowledgements refused (unsigned or forged, or for another node) since start.</summary>
    public long RefusedEventAcks => _reporter.RefusedEventAcks;

    /// <summary>The fingerprint of the node's key now (<see cref="Protocol.Security.KeyFingerprint"/>).</summary>
    public string KeyFingerprint => _keyring.Current.Fingerprint;

    /// <summary>The current health interval (configured, or set by a "set-heartbeat" command).</summary>
    public TimeSpan Heartbeat => TimeSpan.FromTicks(Interlocked.Read(ref _heartbeatTicks));

    /// <summary>What the node runs on, as announced in its birth.</summary>
    internal HardwareProfile Hardware => _reporter.Hardware;

    /// <summary>The commune's quiet hours as this node holds and enforces them: what the playout arbiter asks before it sounds.</summary>
    internal QuietHoursPolicy QuietHours { get; }

    /// <summary>Signed control, when a root key is configured.</summary>
    internal SignedControl? Control => _control;

    /// <summary>
    /// The clock everything in this node reads — timers, heartbeats, clock sync, command expiry: the host's for a real
    /// node, the node's own <c>SimulatedNodeClock</c> for a simulated one.
    /// </summary>
    internal TimeProvider Time => _time;

    /// <summary>Where the node's audio leaves it (the virtual DAC of a simulated node), for the playout; disposed with the agent.</summary>
    internal IAudioSink? AudioSink { get; }

    /// <summary>The node's playout, live intake and sound commands, when it has audio (an output and signed control).</summary>
    internal NodeAudio? Audio { get; }

    /// <summary>
    /// Raised after each probe of the first broker (true: it accepted a TCP connection), once the next probe is
    /// already scheduled, so a test driving a fake clock knows when to advance it.
    /// </summary>
    internal event Action<bool>? PrimaryProbed
    {
        add => _failover.PrimaryProbed += value;
        remove => _failover.PrimaryProbed -= value;
    }

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

            var connection = Task.Run(() => _failover.RunAsync(_stopping.Token), CancellationToken.None);
            var control = _control is { } signed ? Task.Run(() => signed.RunAsync(_stopping.Token), CancellationToken.None) : Task.CompletedTask;
            Audio?.Start();
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
                _failover.PrepareGoodbye(cancellationToken);
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
        var id = _reporter.RaiseEvent(kind, severity, code, text);
        _failover.Current?.Post(SessionWorkKind.FlushEvents);
        return Task.FromResult(id);
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
        _reporter.Dispose();

        // Always, unlike the parts below: the playout has its own thread, which this stops before its device is closed;
        // disposing the device finishes a virtual DAC's WAV file.
        if (Audio is not null)
        {
            await Audio.DisposeAsync().ConfigureAwait(false);
        }

        AudioSink?.Dispose();
        if (_runTask is null || _runTask.IsCompleted)
        {
            // Left undisposed otherwise: the loop that failed to stop in time still observes it (and may sign).
            _stopping.Dispose();
            _control?.Dispose();
            _keyring.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Everything the node subscribes to, one registration per message kind: its filter, QoS, payload kind and size
    /// cap, and where it goes. Order is subscription order.
    /// </summary>
    private List<TopicRoute> BuildRoutes()
    {
        List<TopicRoute> routes =
        [
            TopicRoute.Inline(_evackTopic, MqttQualityOfServiceLevel.AtLeastOnce, PayloadKind.Json, _reporter.HandleEventAck),
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

        if (Audio is { } audio)
        {
            // Checked and verified on the receive loop: a packet is tens of microseconds of work, 17 a second, and a
            // queue would only add jitter to what the jitter buffer absorbs.
            TopicRoute ToAudio(string filter) =>
                TopicRoute.Inline(filter, MqttQualityOfServiceLevel.AtMostOnce, PayloadKind.Binary, message =>
                {
                    if (!AudioTopics.TryParseStreamId(message.Topic, out var streamId))
                    {
                        return "not a live audio topic";
                    }

                    // Refusals are counted and told by the audio itself, once a minute, not once a packet.
                    audio.Receive(streamId, message.Payload);
                    return null;
                }, LiveAudioPacketCodec.MaxPacketBytes);

            routes.Add(ToAudio(AudioTopics.NodeFilter(NodeId)));
            routes.AddRange(_settings.Zones.Select(zone => ToAudio(AudioTopics.ZoneFilter(zone))));
            routes.Add(ToAudio(AudioTopics.FleetFilter));
        }

        return routes;
    }

    /// <summary>
    /// Asks the Controller for its time at connect, then as <see cref="ClockSyncSchedule"/> says: every second while
    /// the estimate is young (after boot or a step), every 30–60 s once settled, every 30 s while no reply comes.
    /// It runs whenever signed control does, which is whenever a root key is configured: without one no Controller
    /// reply could be verified. Each request is queued on the
    /// control lane and stamped when its turn comes, so time spent queued is not counted as network delay.
    /// Replies go to the control worker.
    /// </summary>
    private async Task ScheduleTimeRequestsAsync(NodeSession session, SignedControl control, CancellationToken token)
    {
        try
        {
            var wait = TimeSpan.Zero;
            var unanswered = 0;
            var samplesAtLastRequest = -1;
            while (session.Post(SessionWorkKind.TimeRequest))
            {
                // A request's sample arrives after this wait is chosen, so the count of samples is compared one request on.
                var estimate = control.Clock.Estimate;
                var samples = estimate?.Samples ?? 0;
                unanswered = samplesAtLastRequest < 0 || samples != samplesAtLastRequest ? 0 : unanswered + 1;
                samplesAtLastRequest = samples;
                // The connect request's reply is still on its way when the first wait is chosen: without this the
                // missing estimate would read as a silent Controller and the node would rest on one sample for 30 s.
                wait = estimate is null && wait == TimeSpan.Zero
                    ? ClockSyncSchedule.FastInterval
                    : ClockSyncSchedule.NextInterval(estimate, wait, unanswered);
                await Task.Delay(wait, _time, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The session ended.
        }
    }

    private async Task PublishTimeRequestAsync(NodeSession session, CancellationToken cancellationToken)
    {
        var request = _control!.Clock.NewRequest();
        await session.PublishAsync(
            new OutboundMessage(Topics.ForNode(NodeId, NodeMessageKind.TimeRequest), WireCodec.Encode(request), MqttQualityOfServiceLevel.AtMostOnce),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    Task ISessionHandler.RunBesideAsync(NodeSession session, CancellationToken token) =>
        _control is { } control ? ScheduleTimeRequestsAsync(session, control, token) : Task.CompletedTask;

    /// <inheritdoc />
    async Task ISessionHandler.HandleAsync(NodeSession session, SessionWorkKind kind, CancellationToken token)
    {
        switch (kind)
        {
            case SessionWorkKind.TimeRequest:
                await PublishTimeRequestAsync(session, token).ConfigureAwait(false);
                break;
            case SessionWorkKind.Birth:
                await PublishBirthAsync(session, token).ConfigureAwait(false);
                await PublishHealthAsync(session, token).ConfigureAwait(false);
                await FlushEventsAsync(session, token).ConfigureAwait(false);
                break;
            case SessionWorkKind.Rebirth:
                await PublishBirthAsync(session, token).ConfigureAwait(false);
                await PublishHealthAsync(session, token).ConfigureAwait(false);
                break;
            case SessionWorkKind.Health:
                await PublishHealthAsync(session, token).ConfigureAwait(false);
                break;
            case SessionWorkKind.FlushEvents:
                await FlushEventsAsync(session, token).ConfigureAwait(false);
                break;
        }
    }

    /// <inheritdoc />
    async ValueTask<TrustedTime> ISessionHandler.CertificateTimeAsync(CancellationToken token)
    {
        if (_control is { } control)
        {
            return await control.CurrentTimeAsync(token).ConfigureAwait(false);
        }

        // Without signed control there is no clock sync with the Controller: only a synchronised system clock counts.
        var clock = _settings.TrustSynchronisedSystemClock ? await ((INodeControlHost)this).ReadSystemClockAsync(token).ConfigureAwait(false) : null;
        return new TrustedTime(_time.GetUtcNow(), ClockTrust.IsTrusted(false, _settings.TrustSynchronisedSystemClock, clock));
    }

    /// <inheritdoc />
    void ISessionHandler.BirthPublished() => Volatile.Read(ref _birthSignal).TrySetResult();

    /// <inheritdoc />
    void ISessionHandler.SessionEnded() => ResetBirthSignal();

    private Task PublishBirthAsync(NodeSession session, CancellationToken cancellationToken) =>
        _reporter.PublishBirthAsync(session.Report, Heartbeat, session.PublishAsync, cancellationToken);

    private Task PublishHealthAsync(NodeSession session, CancellationToken cancellationToken) =>
        _reporter.PublishHealthAsync(session.Report, Connections, session.PublishAsync, cancellationToken);

    private Task FlushEventsAsync(NodeSession session, CancellationToken cancellationToken) =>
        _reporter.FlushEventsAsync(session.Report, session.PublishAsync, cancellationToken);

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
        _failover.Current?.Post(SessionWorkKind.Rebirth);
        return null;
    }

    /// <summary>
    /// Queues the acknowledgement, signed by the node's key, on the control lane of the current connection and waits
    /// until the broker has it (QoS 1); false when there is no connection, it ends first, or the broker does not answer
    /// in time. Once the "done" of a "rotate-identity" is out, the node switches to its new credentials and leaves the
    /// broker to enrol them.
    /// </summary>
    async Task<bool> INodeControlHost.PublishAckAsync(CommandAck ack, CancellationToken cancellationToken)
    {
        if (_failover.Current is not { } session || !session.Client.IsConnected)
        {
            return false;
        }

        var work = SessionWork.Publish(new OutboundMessage(_ackTopic, _keyring.Current.Sign(ack), MqttQualityOfServiceLevel.AtLeastOnce));
        if (!session.Outbound.TryPost(OutboundLane.Control, work))
        {
            return false;
        }

        bool sent;
        try
        {
            sent = await work.Sent!.Task.WaitAsync(_settings.ConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The connection stalls; the Controller resends and gets the same answer.
            return false;
        }

        if (sent && ack.Status == CommandAckStatus.Done && _keyring.Activate(ack.Id))
        {
            _logger.LogWarning(
                "Node {NodeId}: identity rotated by command {Id}; new key fingerprint {Fingerprint}; reconnecting to enrol it",
                NodeId, LogText.Printable(ack.Id), _keyring.Current.Fingerprint);
            session.Post(SessionWorkKind.Reidentify);
        }

        return sent;
    }

    string INodeControlHost.PrepareNewIdentity(string commandId)
    {
        var fresh = _keyring.Prepare(commandId);
        _logger.LogInformation(
            "Node {NodeId}: new key (fingerprint {Fingerprint}) and broker password stored for command {Id}; in use once it is acknowledged",
            NodeId, fresh.Fingerprint, LogText.Printable(commandId));
        return fresh.Fingerprint;
    }

    Task INodeControlHost.RaiseEventAsync(string kind, EventSeverity severity, string? code, string? text) =>
        RaiseEventAsync(kind, severity, code, text);

    NodeIdentity INodeControlHost.Describe(bool clockTrusted, long commandHighWater) => new()
    {
        NodeId = NodeId,
        Zones = _settings.Zones,
        Software = _settings.SoftwareVersion,
        Model = _reporter.Hardware.Model,
        BdSeq = BdSeq,
        HeartbeatSeconds = (int)Heartbeat.TotalSeconds,
        UptimeSeconds = _reporter.UptimeSeconds,
        ClockTrusted = clockTrusted,
        CommandHighWater = commandHighWater,
    };

    void INodeControlHost.Rebirth() => _failover.Current?.Post(SessionWorkKind.Rebirth);

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
        if (_failover.Current is { } session)
        {
            session.HeartbeatTimer?.Change(interval, interval);
            session.Post(SessionWorkKind.Rebirth);
        }
    }

    async ValueTask<ClockHealth?> INodeControlHost.ReadSystemClockAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _systemReadings.ReadAsync(cancellationToken).ConfigureAwait(false)).Clock;
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
}
