using System.Buffers;
using LiteDB;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Commands.Storage;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Infrastructure.Ingest;

/// <summary>
/// Everything a node sends comes through here: topic parsed, payload decoded and checked against the topic, then
/// applied to the fleet view and the store. Bad input is refused, logged and counted, and changes nothing; the
/// pipeline never throws, so one bad message cannot stop the controller's client. Only enrolled node ids are heard
/// (anything else is refused as <c>not-enrolled</c>), and acknowledgements and events count only when signed by the
/// node's enrolled key; enrolment requests go to <see cref="EnrolmentService"/>.
/// Everything up to queuing the store write runs synchronously in the caller, so writes are queued in arrival order;
/// the returned task then waits for the durability point, and only after it is an <see cref="EventAck"/> sent.
/// </summary>
internal sealed class IngestPipeline
{
    private readonly FleetRegistry _fleet;
    /// <summary>Kind of the event recorded on a node when something claiming to be it sent a forged ack or event.</summary>
    internal const string ForgedEventKind = "security.forged";

    private static readonly TimeSpan SecurityEventInterval = TimeSpan.FromSeconds(10);

    private readonly IFleetStore _store;
    private readonly ICommandStore _commands;
    private readonly IMqttPublisher _publisher;
    private readonly IControlMessageSink _control;
    private readonly EnrolmentService _enrolment;
    private readonly EnrolmentSenders _enrolmentSenders;
    private readonly EnrolmentRefusalLog _enrolmentRefusals;
    private readonly ControllerKeyRing _keys;
    private readonly Dictionary<string, DateTimeOffset> _lastSecurityEvent = new(StringComparer.Ordinal);
    private readonly ControllerMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<IngestPipeline> _logger;

    public IngestPipeline(
        FleetRegistry fleet,
        IFleetStore store,
        ICommandStore commands,
        IMqttPublisher publisher,
        IControlMessageSink control,
        EnrolmentService enrolment,
        EnrolmentSenders enrolmentSenders,
        EnrolmentRefusalLog enrolmentRefusals,
        ControllerKeyRing keys,
        ControllerMetrics metrics,
        TimeProvider timeProvider,
        ILogger<IngestPipeline> logger)
    {
        _fleet = fleet;
        _store = store;
        _commands = commands;
        _publisher = publisher;
        _control = control;
        _enrolment = enrolment;
        _enrolmentSenders = enrolmentSenders;
        _enrolmentRefusals = enrolmentRefusals;
        _keys = keys;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Raised after every message, accepted or refused (tests wait on it instead of sleeping).</summary>
    public event Action<IngestResult>? Handled;

    /// <summary>
    /// Handles one received message; <paramref name="retained"/> is the RETAIN flag it was delivered with. A broker sets
    /// it only on messages replayed to a new subscription (MQTT 3.1.1, which the controller's client speaks: a live
    /// publish reaches an existing subscription with the flag cleared), so a node's genuine messages never carry it.
    /// </summary>
    public async Task<IngestResult> HandleAsync(string? topic, ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        topic ??= string.Empty;
        var now = _timeProvider.GetUtcNow();
        var parsedTopic = Topics.TryParseNodeTopic(topic, out var parsed);
        var enrolmentTopic = Topics.TryParseEnrolmentRequest(topic, out var enrollingNodeId);
        _metrics.MessagesReceived.WithLabels(parsedTopic ? LevelOf(topic) : enrolmentTopic ? "enrol-request" : "unknown").Inc();

        IngestResult result;
        if (enrolmentTopic)
        {
            var sender = _enrolmentSenders.Take(enrollingNodeId);
            result = await HandleEnrolmentAsync(topic, enrollingNodeId, payload, retained, cancellationToken);
            if (!result.Accepted)
            {
                _enrolmentRefusals.Record(enrollingNodeId, sender, result.RefusedReason!);
            }
        }
        else if (!parsedTopic || parsed.Kind is NodeMessageKind.EventAck or NodeMessageKind.Command)
        {
            result = Refused(topic, parsedTopic ? parsed : null, IngestRefusals.Topic, "not a node-to-controller topic");
        }
        else if (retained)
        {
            // Nodes never publish retained. A retained birth is a claim anyone with publish rights left on the broker
            // (mosquitto_pub -r), replayed on every resubscribe: believed, it would set the session and heartbeat the
            // node's real death and silence are judged against (issue 10). An external broker may accept it; we don't.
            result = Refused(topic, parsed, IngestRefusals.Retained, "delivered retained; nodes never publish retained");
        }
        else if (!_enrolment.IsEnrolled(parsed.NodeId))
        {
            // Not decoded at all: an id nobody approved cannot make a node appear in the fleet view (issue 10: 200
            // fake births left 206 "online" nodes), nor touch one that was revoked or retired.
            result = Refused(topic, parsed, IngestRefusals.NotEnrolled, "node id is not enrolled");
        }
        else
        {
            try
            {
                result = await HandleNodeMessageAsync(topic, parsed, payload, now, cancellationToken);
            }
            catch (Exception exception) when (exception is LiteException or IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // The writer logged the failure once for its whole batch; this is one message it cost.
                _logger.LogWarning("Store failed while ingesting {Topic}; nothing was acknowledged: {Message}", topic, exception.Message);
                result = Refused(topic, parsed, IngestRefusals.StoreError, exception.Message);
            }
#pragma warning disable CA1031 // The MQTT client's handler must survive any bug here; the error is logged and counted.
            catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
            {
                _logger.LogError(exception, "Unexpected failure while ingesting {Topic}", topic);
                result = Refused(topic, parsed, IngestRefusals.InternalError, exception.Message);
            }
        }

        if (!result.Accepted)
        {
            _metrics.IngestRefused.WithLabels(result.RefusedReason!).Inc();
            _logger.LogWarning(
                "Refused message on {Topic} (node {NodeId}): {Reason} — {Detail}",
                topic,
                result.NodeId ?? "?",
                result.RefusedReason,
                result.Detail);
        }

        Handled?.Invoke(result);
        return result;
    }

    private async Task<IngestResult> HandleNodeMessageAsync(
        string topic, NodeTopic parsed, ReadOnlySequence<byte> payload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (payload.Length > WireSchema.MaxJsonPayloadBytes)
        {
            // Refused before copying: a hostile payload must not cost memory.
            return Refused(topic, parsed, IngestRefusals.For(DecodeFailure.TooLarge), $"{payload.Length} bytes");
        }

        var bytes = payload.IsSingleSegment ? payload.First : payload.ToArray();
        switch (parsed.Kind)
        {
            case NodeMessageKind.Birth:
            {
                var decoded = WireCodec.Decode<NodeBirth>(bytes.Span);
                if (!decoded.Succeeded)
                {
                    return Refused(topic, parsed, decoded.Failure, decoded.Detail);
                }

                var birth = decoded.Message!;
                if (birth.NodeId != parsed.NodeId)
                {
                    return Mismatch(topic, parsed, birth.NodeId);
                }

                ObserveLag(topic, birth.Ts, now);
                var stored = _fleet.ApplyBirth(birth, now);
                _logger.LogInformation(
                    "Node {NodeId} online: birth bdSeq {BdSeq}, software {Software}, zones {Zones}, heartbeat {Heartbeat} s",
                    birth.NodeId,
                    birth.BdSeq,
                    birth.Software,
                    string.Join(",", birth.Zones),
                    birth.HeartbeatSeconds);
                await stored;
                return Accepted(topic, parsed);
            }

            case NodeMessageKind.Death:
            {
                var decoded = WireCodec.Decode<NodeDeath>(bytes.Span);
                if (!decoded.Succeeded)
                {
                    return Refused(topic, parsed, decoded.Failure, decoded.Detail);
                }

                var death = decoded.Message!;
                if (death.NodeId != parsed.NodeId)
                {
                    return Mismatch(topic, parsed, death.NodeId);
                }

                // The death's timestamp is the connect that registered the Will, so it says nothing about lag.
                var (outcome, stored) = _fleet.ApplyDeath(death, now);
                switch (outcome)
                {
                    case DeathOutcome.Applied:
                        _logger.LogInformation("Node {NodeId} offline: death ({Reason}) of bdSeq {BdSeq}", death.NodeId, death.Reason, death.BdSeq);
                        break;
                    case DeathOutcome.StaleSession:
                        _logger.LogInformation(
                            "Ignored a death of node {NodeId} for old session bdSeq {BdSeq} (a late Will); the node stays as it is",
                            death.NodeId,
                            death.BdSeq);
                        break;
                    default:
                        _logger.LogDebug("Ignored a death of unknown node {NodeId}", death.NodeId);
                        break;
                }

                await stored;
                return Accepted(topic, parsed);
            }

            case NodeMessageKind.Health:
            {
                var decoded = WireCodec.Decode<NodeHealth>(bytes.Span);
                if (!decoded.Succeeded)
                {
                    return Refused(topic, parsed, decoded.Failure, decoded.Detail);
                }

                var health = decoded.Message!;
                var stored = _fleet.ApplyHealth(parsed.NodeId, health, now);
                if (stored is null)
                {
                    // Without a birth the heartbeat (and so liveness) is unknown; the node sends one when it sees
                    // the controller's state, so nothing is lost by waiting for it.
                    return Refused(topic, parsed, IngestRefusals.UnknownNode, "health from a node that has not sent a birth");
                }

                ObserveLag(topic, health.Ts, now);
                await stored;
                return Accepted(topic, parsed);
            }

            case NodeMessageKind.Event:
            {
                if (await VerifiedBody(topic, parsed, bytes, IngestRefusals.ForgedEvent, now) is not { } signedEvent)
                {
                    return Refused(topic, parsed, IngestRefusals.ForgedEvent, "not signed by the node's enrolled key");
                }

                var decoded = WireCodec.Decode<NodeEvent>(signedEvent.Span);
                if (!decoded.Succeeded)
                {
                    return Refused(topic, parsed, decoded.Failure, decoded.Detail);
                }

                var nodeEvent = decoded.Message!;
                var storing = _store.TryAddEventAsync(new EventRecord(parsed.NodeId, now, nodeEvent));
                _fleet.Touch(parsed.NodeId, now);

                // The durability point: a failure throws to the caller's handler and no acknowledgement goes out.
                if (await storing)
                {
                    ObserveLag(topic, nodeEvent.Ts, now);
                    _control.EventStored(parsed.NodeId, nodeEvent);
                    _logger.LogInformation(
                        "Node {NodeId} event {Kind} {Code} ({Severity}) {EventId}",
                        parsed.NodeId,
                        nodeEvent.Kind,
                        nodeEvent.Code,
                        nodeEvent.Severity,
                        nodeEvent.Id);
                }
                else
                {
                    _logger.LogDebug("Node {NodeId} repeated event {EventId}; acknowledging again", parsed.NodeId, nodeEvent.Id);
                }

                // Acknowledge after storing durably, and again for a repeat: the repeat means our earlier ack was lost.
                var ack = EventAckPayload(parsed.NodeId, nodeEvent.Id, now);
                if (!await _publisher.PublishAsync(Topics.ForNode(parsed.NodeId, NodeMessageKind.EventAck), ack, atLeastOnce: true, retain: false, cancellationToken))
                {
                    _logger.LogWarning("Could not acknowledge event {EventId} of node {NodeId}; the node will resend it", nodeEvent.Id, parsed.NodeId);
                }

                return Accepted(topic, parsed);
            }

            case NodeMessageKind.CommandAck:
            {
                if (await VerifiedBody(topic, parsed, bytes, IngestRefusals.ForgedAck, now) is not { } signedAck)
                {
                    return Refused(topic, parsed, IngestRefusals.ForgedAck, "not signed by the node's enrolled key");
                }

                var decoded = WireCodec.Decode<CommandAck>(signedAck.Span);
                if (!decoded.Succeeded)
                {
                    return Refused(topic, parsed, decoded.Failure, decoded.Detail);
                }

                var ack = decoded.Message!;
                if (ack.NodeId != parsed.NodeId)
                {
                    return Mismatch(topic, parsed, ack.NodeId);
                }

                ObserveLag(topic, ack.Ts, now);
                var storing = _commands.AddCommandAckAsync(new CommandAckRecord(parsed.NodeId, now, ack));
                _fleet.Touch(parsed.NodeId, now);
                await storing;
                await _control.AckReceivedAsync(parsed.NodeId, ack, now, cancellationToken);
                _logger.LogInformation(
                    "Node {NodeId} answered command {CommandId}: {Status} {Reason}", parsed.NodeId, ack.Id, ack.Status, ack.Reason);
                return Accepted(topic, parsed);
            }

            case NodeMessageKind.TimeRequest:
            {
                var decoded = WireCodec.Decode<ClockSyncRequest>(bytes.Span);
                if (!decoded.Succeeded)
                {
                    return Refused(topic, parsed, decoded.Failure, decoded.Detail);
                }

                // t2 of the reply is this message's receive time, taken before anything else ran.
                await _control.TimeRequestAsync(parsed.NodeId, decoded.Message!, now, cancellationToken);
                return Accepted(topic, parsed);
            }

            default:
                return Refused(topic, parsed, IngestRefusals.Topic, "not a node-to-controller topic");
        }
    }

    private async Task<IngestResult> HandleEnrolmentAsync(
        string topic, string nodeId, ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        if (retained)
        {
            // A request is a node asking now; one a broker kept is someone's old words.
            return new IngestResult(topic, nodeId, null, IngestRefusals.Retained, "delivered retained; enrolment requests are never retained");
        }

        if (payload.Length > WireSchema.MaxJsonPayloadBytes)
        {
            return new IngestResult(topic, nodeId, null, IngestRefusals.For(DecodeFailure.TooLarge), $"{payload.Length} bytes");
        }

        return await _enrolment.ReceiveAsync(topic, nodeId, payload.IsSingleSegment ? payload.First : payload.ToArray(), cancellationToken);
    }

    /// <summary>
    /// The signed part of a node's acknowledgement or event when its signature is by the node's enrolled key; null
    /// otherwise (unsigned, malformed or forged), after recording a security event on that node for technicians.
    /// </summary>
    private async Task<ReadOnlyMemory<byte>?> VerifiedBody(string topic, NodeTopic parsed, ReadOnlyMemory<byte> bytes, string reason, DateTimeOffset now)
    {
        var split = SignedPayloadCodec.Split(bytes);
        if (split.Succeeded && _enrolment.IsSignedBy(parsed.NodeId, split.Message!))
        {
            return split.Message!.SignedBytes;
        }

        // One recorded event per node per interval: a flood of forgeries is counted in full but cannot fill the store.
        bool record;
        lock (_lastSecurityEvent)
        {
            record = !_lastSecurityEvent.TryGetValue(parsed.NodeId, out var last) || now - last >= SecurityEventInterval;
            if (record)
            {
                _lastSecurityEvent[parsed.NodeId] = now;
            }
        }

        if (record)
        {
            var forged = new NodeEvent
            {
                Id = "forged-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)),
                Seq = 0,
                BdSeq = 0,
                Ts = now,
                Kind = ForgedEventKind,
                Severity = EventSeverity.Warning,
                Code = reason,
                Text = $"{(split.Succeeded ? "signature is not by the enrolled key" : "unsigned")} on {topic}",
            };
            await _store.TryAddEventAsync(new EventRecord(parsed.NodeId, now, forged));
        }

        return null;
    }

    /// <summary>
    /// The acknowledgement of one stored event, signed by the Controller's current signing key so a node drops an event
    /// from its outbox only for the genuine Controller; plain JSON when no key is configured (docs/security.md).
    /// </summary>
    private byte[] EventAckPayload(string nodeId, string eventId, DateTimeOffset now)
    {
        if (_keys.Current(now) is not { } key)
        {
            return WireCodec.Encode(new EventAck { NodeId = nodeId, Ids = [eventId] });
        }

        return key.Signer.Sign(new EventAck { NodeId = nodeId, Ids = [eventId] });
    }

    private void ObserveLag(string topic, DateTimeOffset sentAt, DateTimeOffset now) =>
        _metrics.IngestLag.WithLabels(LevelOf(topic)).Observe(Math.Max(0, (now - sentAt).TotalSeconds));

    /// <summary>The topic's last level ("birth", "health", …): the "kind" label of the metrics.</summary>
    private static string LevelOf(string topic) => topic[(topic.LastIndexOf('/') + 1)..];

    private static IngestResult Accepted(string topic, NodeTopic parsed) => new(topic, parsed.NodeId, parsed.Kind, null, null);

    private static IngestResult Mismatch(string topic, NodeTopic parsed, string payloadNodeId) =>
        Refused(topic, parsed, IngestRefusals.NodeIdMismatch, $"payload nodeId '{payloadNodeId}' is not the topic's '{parsed.NodeId}'");

    private static IngestResult Refused(string topic, NodeTopic parsed, DecodeFailure failure, string? detail) =>
        Refused(topic, parsed, IngestRefusals.For(failure), detail);

    private static IngestResult Refused(string topic, NodeTopic? parsed, string reason, string? detail) =>
        new(topic, parsed?.NodeId, parsed?.Kind, reason, detail);
}
