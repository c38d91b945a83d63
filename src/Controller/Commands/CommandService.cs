using System.Security.Cryptography;
using System.Text.Json;
using MQTTnet.Exceptions;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// Issues signed commands: refuses one that no known node could receive, numbers each one (<see cref="CommandSequence"/>),
/// signs the exact bytes with the current key, stores it durably (<see cref="ICommandLog"/>) before it is sent or
/// accepted, publishes at QoS 1 on the target's command topic, tracks each addressed node's answer, and resends to nodes
/// that have not answered until the command expires. A broker's PUBACK says nothing about the node, so only a
/// <see cref="CommandAck"/> counts as an answer. A resend is the same command id, type, target, body and exp, signed
/// anew with a new sequence number and ts: a node refuses the same bytes twice (that is what an attacker's replay
/// looks like) and recognises a resend by its id (docs/security.md, "Replay, across crashes").
/// </summary>
internal sealed class CommandService
{
    private readonly ControllerKeyRing _keys;
    private readonly CommandSequence _sequence;
    private readonly ICommandLog _log;
    private readonly IMqttPublisher _publisher;
    private readonly FleetRegistry _fleet;
    private readonly SecurityMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly SecurityOptions _options;
    private readonly FleetOptions _fleetOptions;
    private readonly ILogger<CommandService> _logger;

    public CommandService(
        ControllerKeyRing keys,
        CommandSequence sequence,
        ICommandLog log,
        IMqttPublisher publisher,
        FleetRegistry fleet,
        SecurityMetrics metrics,
        TimeProvider timeProvider,
        IOptions<SecurityOptions> options,
        IOptions<FleetOptions> fleetOptions,
        ILogger<CommandService> logger)
    {
        _keys = keys;
        _sequence = sequence;
        _log = log;
        _publisher = publisher;
        _fleet = fleet;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _options = options.Value;
        _fleetOptions = fleetOptions.Value;
        _logger = logger;
    }

    /// <summary>Raised after an envelope was handed to the broker: the command and the topic (tests wait on it instead of sleeping).</summary>
    public event Action<CommandRecord, string>? Sent;

    /// <summary>Why commands cannot be issued now, or null.</summary>
    public string? Unavailable() => _keys.Unavailable(_timeProvider.GetUtcNow());

    /// <summary>A new command id (128 random bits in hex), for a caller that must record the id before the command is sent.</summary>
    public static string NewCommandId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Signs and sends a command of <paramref name="type"/> to <paramref name="target"/>.</summary>
    public Task<IssueResult> IssueAsync(CommandTarget target, string? type, JsonElement? body, CancellationToken cancellationToken) =>
        IssueAsync(target, type, body, NewCommandId(), cancellationToken);

    /// <summary>As the other overload, with a <paramref name="commandId"/> of <see cref="NewCommandId"/> the caller has recorded already.</summary>
    public async Task<IssueResult> IssueAsync(CommandTarget target, string? type, JsonElement? body, string commandId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsWellFormed)
        {
            return IssueResult.Invalid("The target must be exactly one valid node id, zone id, or the whole fleet.");
        }

        var (normalized, invalid) = CommandBodies.Normalize(type, body, _fleetOptions.MaxHeartbeatSeconds);
        if (invalid is not null)
        {
            return IssueResult.Invalid(invalid);
        }

        // Nobody to answer means nothing to wait for: a typo in a node or zone id, or a fleet not yet seen, is said at
        // once instead of showing "pending" until expiry. A known node that is offline counts: resends reach it when
        // it is back, until the command expires.
        var addressed = Addressed(target);
        if (addressed.Count == 0)
        {
            return IssueResult.NoRecipient(NoRecipientProblem(target));
        }

        var now = _timeProvider.GetUtcNow();
        var key = _keys.Current(now);
        if (key is null)
        {
            return IssueResult.Unavailable(_keys.Unavailable(now)!);
        }

        if (NextSeq(out var problem) is not { } seq)
        {
            return IssueResult.Unavailable($"The Controller cannot reserve sequence numbers on disk: {problem}");
        }

        var command = new SignedCommand
        {
            Id = commandId,
            Kid = key.Signer.Kid,
            Target = target,
            Ts = now,
            Exp = now + _options.CommandLifetime,
            Seq = seq,
            Type = type!,
            Body = normalized,
        };
        var envelope = key.Signer.Sign(command);
        var topic = TopicOf(target);
        var record = new CommandRecord(command, addressed, now);

        // Stored durably before it is sent and before the API answers 202: what was accepted survives a crash, is
        // resent after the restart and never vanishes. A command that could not be stored is not sent either.
        try
        {
            await _log.AddAsync(record);
        }
#pragma warning disable CA1031 // Whatever the store failed with, the answer is the same: not stored, not sent, 503.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogError("Command {CommandId} {Type} could not be stored, so it was not sent: {Message}", command.Id, command.Type, exception.Message);
            return IssueResult.Unavailable($"The Controller could not store the command, so it was not sent: {exception.Message}");
        }

        _metrics.CommandsIssued.WithLabels(command.Type).Inc();
        _logger.LogInformation(
            "Issued command {CommandId} {Type} seq {Seq} to {Topic}, signed by {Kid}, expires {Exp:o}", command.Id, command.Type, seq, topic, command.Kid, command.Exp);
        await SendAsync(record, topic, envelope, cancellationToken);
        return IssueResult.Issued(record);
    }

    /// <summary>Records a node's answer.</summary>
    public void RecordAck(string nodeId, CommandAck ack, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(ack);
        var record = _log.Find(ack.Id);
        if (record is null)
        {
            // Issued by another Controller, or pruned after Store:CommandRetention; ingest stored the answer anyway.
            _logger.LogInformation("Node {NodeId} answered unknown command {CommandId}: {Status} {Reason}", nodeId, ack.Id, ack.Status, ack.Reason);
            return;
        }

        if (record.Record(nodeId, ack, receivedAt))
        {
            _metrics.CommandAcks.WithLabels(StatusLabel(ack.Status), ack.Status == CommandAckStatus.Done ? "" : SecurityMetrics.ReasonLabel(ack.Reason)).Inc();

            // Not awaited: ingest has already stored the acknowledgement itself durably, and the store reads it back
            // for a command whose document lacks the answer (CommandRepository).
            _ = SaveAsync(record, "its answer");
        }
    }

    /// <summary>Sends again every unexpired command that some addressed node has not answered for a resend interval.</summary>
    public async Task ResendDueAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var record in _log.Unexpired(now))
        {
            var waiting = record.TakeDueResends(now, _options.ResendInterval);
            if (waiting.Count > 0)
            {
                await ResendAsync(record, waiting, now, cancellationToken);
            }
        }
    }

    /// <summary>
    /// After a node's clock sync: sends it again what it refused for want of trusted time, at once (docs/security.md: the
    /// Controller retries them after the node's next clock sync, one round trip).
    /// </summary>
    public async Task ResendAfterClockSyncAsync(string nodeId, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var record in _log.Unexpired(now).Where(record => record.AwaitsClockOf(nodeId, now)))
        {
            await ResendAsync(record, [nodeId], now, cancellationToken);
        }
    }

    /// <summary>
    /// One new envelope of <paramref name="record"/> (new seq and ts, the current key) on each waiting node's own topic:
    /// the target inside the signed part still names the zone or fleet, which includes the node, and nodes that already
    /// answered are not disturbed. Without a key or a sequence number the round is skipped; the next one tries again.
    /// </summary>
    private async Task ResendAsync(CommandRecord record, IReadOnlyList<string> nodeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = _keys.Current(now);
        if (key is null)
        {
            _logger.LogWarning("Command {CommandId} not resent: {Problem}", record.Id, _keys.Unavailable(now));
            return;
        }

        if (NextSeq(out _) is not { } seq)
        {
            return;
        }

        var envelope = key.Signer.Sign(record.Command with { Kid = key.Signer.Kid, Ts = now, Seq = seq });
        record.AddResend(seq);

        // Before sending, so that a restart after this point lists the new number; sent even if storing failed, since
        // the command itself is stored and resending it is what keeps it alive.
        await SaveAsync(record, "its resend");
        _logger.LogInformation("Resending command {CommandId} as seq {Seq} to {Nodes} node(s) that have not answered", record.Id, seq, nodeIds.Count);
        foreach (var nodeId in nodeIds)
        {
            _metrics.CommandResends.Inc();
            await SendAsync(record, Topics.ForNode(nodeId, NodeMessageKind.Command), envelope, cancellationToken);
        }
    }

    /// <summary>The next sequence number, or null (logged, with the <paramref name="problem"/>) when it cannot be reserved durably.</summary>
    private long? NextSeq(out string? problem)
    {
        try
        {
            problem = null;
            return _sequence.Next();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("Cannot reserve command sequence numbers, so no command can be issued or resent: {Message}", exception.Message);
            problem = exception.Message;
            return null;
        }
    }

    private async Task SendAsync(CommandRecord record, string topic, byte[] envelope, CancellationToken cancellationToken)
    {
        bool handed;
        try
        {
            handed = await _publisher.PublishAsync(topic, envelope, atLeastOnce: true, retain: false, cancellationToken);
        }
        catch (MqttCommunicationException exception)
        {
            // The link broke under the publish. The command is stored, so this is the same as not being connected.
            _logger.LogDebug("Publishing command {CommandId} failed: {Message}", record.Id, exception.Message);
            handed = false;
        }

        if (handed)
        {
            Sent?.Invoke(record, topic);
        }
        else
        {
            _logger.LogWarning("Command {CommandId} not handed to the broker on {Topic} (not connected); it is sent again later", record.Id, topic);
        }
    }

    /// <summary>Stores the record's new state; a failure is logged, not thrown (the command itself is already stored).</summary>
    private async Task SaveAsync(CommandRecord record, string what)
    {
        try
        {
            await _log.SaveAsync(record);
        }
#pragma warning disable CA1031 // The store's failure is reported by the store's health; here it only costs this update.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Command {CommandId}: {What} could not be stored: {Message}", record.Id, what, exception.Message);
        }
    }

    /// <summary>
    /// The known nodes a command addresses: the node if it was ever seen (online or not), the zone's nodes, or every
    /// node. A node that joins the zone later still receives the first send by topic, and its answer is recorded.
    /// </summary>
    private List<string> Addressed(CommandTarget target) =>
        target.Node is { } node ? (_fleet.Find(node) is null ? [] : [node])
        : target.Zone is { } zone ? _fleet.Snapshot().Where(state => state.Zones.Contains(zone)).Select(state => state.Id).ToList()
        : _fleet.Snapshot().Select(state => state.Id).ToList();

    private static string NoRecipientProblem(CommandTarget target) =>
        target.Node is { } node ? $"No node '{node}' has been seen, so nobody would receive the command."
        : target.Zone is { } zone ? $"No known node is in zone '{zone}' (a zone exists once a node announces it in its birth), so nobody would receive the command."
        : "No node has been seen yet, so a command to the fleet would reach nobody.";

    private static string TopicOf(CommandTarget target) =>
        target.Node is { } node ? Topics.ForNode(node, NodeMessageKind.Command)
        : target.Zone is { } zone ? Topics.ForZoneCommands(zone)
        : Topics.FleetCommands;

    private static string StatusLabel(CommandAckStatus status) =>
        JsonSerializer.Serialize(status, ProtocolJsonContext.Default.CommandAckStatus).Trim('"');
}
