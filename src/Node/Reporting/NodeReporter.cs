using MQTTnet.Protocol;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Messaging;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Reporting;

/// <summary>
/// What the node tells the Controller about itself: the birth, health assembled from the contributors, and events kept
/// in the outbox until acknowledged. It composes the messages; the session that carries them publishes them, one at a
/// time, through the delegate it passes in.
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
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _startTimestamp;

    /// <param name="settings">The node's identity (id, zones, software).</param>
    /// <param name="hardware">What the node runs on, announced in its birth.</param>
    /// <param name="capabilities">What the node announces it can do.</param>
    /// <param name="health">The report assembler with its contributors.</param>
    /// <param name="outbox">Events waiting for acknowledgement (owned from now on).</param>
    /// <param name="time">The node's clock; uptime counts from this call.</param>
    /// <param name="logger">The node's log.</param>
    public NodeReporter(
        NodeAgentSettings settings,
        HardwareProfile hardware,
        IReadOnlyList<string> capabilities,
        HealthReportAssembler health,
        EventOutbox outbox,
        TimeProvider time,
        ILogger logger)
    {
        _settings = settings;
        Hardware = hardware;
        Capabilities = capabilities;
        _health = health;
        _outbox = outbox;
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
        if (await _health.AssembleAsync(session, connections, UptimeSeconds, cancellationToken).ConfigureAwait(false) is not { } health)
        {
            return;
        }

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
            await publish(new OutboundMessage(Topics.ForNode(NodeId, NodeMessageKind.Event), WireCodec.Encode(message), MqttQualityOfServiceLevel.AtLeastOnce), cancellationToken)
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

    /// <summary>Runs on MQTTnet's receive loop (an inline route): forgets the acknowledged events, never publishes.</summary>
    public string? HandleEventAck(InboundPayload message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var decoded = WireCodec.Decode<EventAck>(message.Payload);
        if (!decoded.Succeeded)
        {
            return $"{decoded.Failure}: {decoded.Detail}";
        }

        var removed = _outbox.Acknowledge(decoded.Message!.Ids);
        _logger.LogDebug("Node {NodeId}: {Removed} event(s) acknowledged, {Pending} pending", NodeId, removed, _outbox.Count);
        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _outbox.Dispose();
}
