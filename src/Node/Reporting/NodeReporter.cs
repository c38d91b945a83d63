using MQTTnet.Protocol;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Identity;
using SmartLoudspeaker.Node.Messaging;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Reporting;

/// <summary>
/// What the node tells the Controller about itself: the birth, health assembled from the contributors, and events kept
/// in the outbox until acknowledged (events signed by the node's key when they are sent, so a resend is signed again;
/// the journal keeps them unsigned). It composes the messages; the session that carries them publishes them, one at
/// a time, through the delegate it passes in. An event acknowledgement empties the outbox only as
/// <see cref="EventAckCheck"/> allows.
/// </summary>
internal sealed class NodeReporter : IDisposable
{
    /// <summary>Longest event kind.</summary>
    public const int MaxEventKindLength = 64;

    /// <summary>Longest event text.</summary>
    public const int MaxEventTextLength = 1024;

    private readonly NodeAgentSettings _settings;
    private readonly HealthReportAssembler _health;
    private readonly EventOutbox _outbox;
    private readonly NodeKeyring _keyring;
    private readonly EventAckCheck _eventAcks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _startTimestamp;
    private readonly bool _countRefusedEventAcks;
    private long _refusedEventAcks;

    /// <param name="settings">The node's identity (id, zones, software).</param>
    /// <param name="hardware">What the node runs on, announced in its birth.</param>
    /// <param name="capabilities">What the node announces it can do.</param>
    /// <param name="health">The report assembler with its contributors.</param>
    /// <param name="outbox">Events waiting for acknowledgement (owned from now on).</param>
    /// <param name="keyring">The node's key, which signs each event as it is sent.</param>
    /// <param name="trust">The Controller keys an event acknowledgement must be signed by; null without a pinned root.</param>
    /// <param name="time">The node's clock; uptime counts from this call.</param>
    /// <param name="logger">The node's log.</param>
    public NodeReporter(
        NodeAgentSettings settings,
        HardwareProfile hardware,
        IReadOnlyList<string> capabilities,
        HealthReportAssembler health,
        EventOutbox outbox,
        NodeKeyring keyring,
        Protocol.Security.TrustStore? trust,
        TimeProvider time,
        ILogger logger)
    {
        _settings = settings;
        Hardware = hardware;
        Capabilities = capabilities;
        _health = health;
        _outbox = outbox;
        _keyring = keyring;
        _eventAcks = new EventAckCheck(settings.NodeId, trust);
        _countRefusedEventAcks = trust is not null;
        _time = time;
        _logger = logger;
        _startTimestamp = time.GetTimestamp();
    }

    /// <summary>What the node runs on.</summary>
    public HardwareProfile Hardware { get; }

    /// <summary>What the birth announces.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>Events waiting for acknowledgement.</summary>
    public int PendingEvents => _outbox.Count;

    /// <summary>Event acknowledgements refused (unsigned or forged, or for another node) since start.</summary>
    public long RefusedEventAcks => Interlocked.Read(ref _refusedEventAcks);

    /// <summary>Seconds since the node started.</summary>
    public long UptimeSeconds => (long)_time.GetElapsedTime(_startTimestamp).TotalSeconds;

    private string NodeId => _settings.NodeId;

    /// <summary>Publishes a birth, which starts the session's seq again at 0.</summary>
    public async Task PublishBirthAsync(
        ReportContext session, TimeSpan heartbeat, Func<OutboundMessage, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        session.Restart();
        var birth = new NodeBirth
        {
            NodeId = NodeId,
            BdSeq = session.BdSeq,
            Seq = 0,
            Ts = _time.GetUtcNow(),
            Software = _settings.SoftwareVersion,
            Hardware = Hardware,
            Capabilities = Capabilities,
            Zones = _settings.Zones,
            HeartbeatSeconds = (int)heartbeat.TotalSeconds,
            UptimeSeconds = UptimeSeconds,
        };
        await publish(new OutboundMessage(Topics.ForNode(NodeId, NodeMessageKind.Birth), WireCodec.Encode(birth), MqttQualityOfServiceLevel.AtLeastOnce), cancellationToken)
            .ConfigureAwait(false);
        _logger.LogInformation("Node {NodeId}: birth published (bdSeq {BdSeq})", NodeId, session.BdSeq);
    }

    /// <summary>Publishes one health report at QoS 0 (a newer one replaces it), unless the assembler skips it.</summary>
    public async Task PublishHealthAsync(
        ReportContext session, int connections, Func<OutboundMessage, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        if (await _health.AssembleAsync(session, connections, UptimeSeconds, cancellationToken).ConfigureAwait(false) is not { } assembled)
        {
            return;
        }

        // Reported where an acknowledgement can be refused at all: on a node that pins a root.
        var health = _countRefusedEventAcks ? assembled with { RefusedEventAcks = RefusedEventAcks } : assembled;

        await publish(new OutboundMessage(Topics.ForNode(NodeId, NodeMessageKind.Health), WireCodec.Encode(health), MqttQualityOfServiceLevel.AtMostOnce), cancellationToken)
            .ConfigureAwait(false);
        _logger.LogDebug("Node {NodeId}: health published (seq {Seq})", NodeId, health.Seq);
    }

    /// <summary>Publishes every event not yet sent on this connection, oldest first, at QoS 1.</summary>
    public async Task FlushEventsAsync(ReportContext session, Func<OutboundMessage, CancellationToken, Task> publish, CancellationToken cancellationToken)
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
            await publish(new OutboundMessage(Topics.ForNode(NodeId, NodeMessageKind.Event), _keyring.Current.Sign(message), MqttQualityOfServiceLevel.AtLeastOnce), cancellationToken)
                .ConfigureAwait(false);
            pending.SentInConnection = session.ConnectionNumber;
            _logger.LogDebug("Node {NodeId}: event {EventId} ({Kind}) published", NodeId, pending.Id, pending.Kind);
        }
    }

    /// <summary>Records an event in the outbox (on disk before this returns, with a journal); returns its id.</summary>
    /// <exception cref="ArgumentException">No kind, or a kind or text too long.</exception>
    public string RaiseEvent(string kind, EventSeverity severity, string? code, string? text)
    {
        if (string.IsNullOrWhiteSpace(kind) || kind.Length > MaxEventKindLength)
        {
            throw new ArgumentException("An event kind is required (at most 64 characters).", nameof(kind));
        }

        if (text is { Length: > MaxEventTextLength })
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

        return pending.Id;
    }

    /// <summary>
    /// Runs on MQTTnet's receive loop (an inline route): forgets the acknowledged events when the acknowledgement passes
    /// <see cref="EventAckCheck"/>, never publishes. A refused one is counted, and the events stay in the outbox.
    /// </summary>
    public string? HandleEventAck(InboundPayload message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (ack, refusal) = _eventAcks.Check(message.Payload);
        if (ack is null)
        {
            Interlocked.Increment(ref _refusedEventAcks);
            return "event acknowledgement refused, events kept: " + refusal;
        }

        var removed = _outbox.Acknowledge(ack.Ids);
        _logger.LogDebug("Node {NodeId}: {Removed} event(s) acknowledged, {Pending} pending", NodeId, removed, _outbox.Count);
        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _outbox.Dispose();
}
