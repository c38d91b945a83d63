using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Mqtt;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// Issues signed commands: numbers each one (<see cref="CommandSequence"/>), signs the exact bytes with the current
/// key, publishes at QoS 1 on the target's command topic, tracks each addressed node's answer, and sends the same
/// bytes again to nodes that have not answered until the command expires. A broker's PUBACK says nothing about the
/// node, so only a <see cref="CommandAck"/> counts as an answer.
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
        _logger = logger;
    }

    /// <summary>Raised after an envelope was handed to the broker: the command and the topic (tests wait on it instead of sleeping).</summary>
    public event Action<CommandRecord, string>? Sent;

    /// <summary>Why commands cannot be issued now, or null.</summary>
    public string? Unavailable() => _keys.Unavailable(_timeProvider.GetUtcNow());

    /// <summary>Signs and sends a command of <paramref name="type"/> to <paramref name="target"/>.</summary>
    public async Task<IssueResult> IssueAsync(CommandTarget target, string? type, JsonElement? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsWellFormed)
        {
            return IssueResult.Invalid("The target must be exactly one valid node id, zone id, or the whole fleet.");
        }

        var (normalized, problem) = CommandBodies.Normalize(type, body);
        if (problem is not null)
        {
            return IssueResult.Invalid(problem);
        }

        var now = _timeProvider.GetUtcNow();
        var key = _keys.Current(now);
        if (key is null)
        {
            return IssueResult.Unavailable(_keys.Unavailable(now)!);
        }

        long seq;
        try
        {
            seq = _sequence.Next();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("Cannot reserve command sequence numbers, so no command can be issued: {Message}", exception.Message);
            return IssueResult.Unavailable($"The Controller cannot reserve sequence numbers on disk: {exception.Message}");
        }

        var command = new SignedCommand
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
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
        var record = new CommandRecord(command, envelope, topic, Addressed(target), now);
        _log.Add(record);
        _metrics.CommandsIssued.WithLabels(command.Type).Inc();
        _logger.LogInformation(
            "Issued command {CommandId} {Type} seq {Seq} to {Topic}, signed by {Kid}, expires {Exp:o}", command.Id, command.Type, seq, topic, command.Kid, command.Exp);
        await SendAsync(record, topic, cancellationToken);
        return IssueResult.Issued(record);
    }

    /// <summary>Records a node's answer.</summary>
    public void RecordAck(string nodeId, CommandAck ack, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(ack);
        var record = _log.Find(ack.Id);
        if (record is null)
        {
            // Issued before a restart (the log is in memory) or by another Controller; ingest stored it anyway.
            _logger.LogInformation("Node {NodeId} answered unknown command {CommandId}: {Status} {Reason}", nodeId, ack.Id, ack.Status, ack.Reason);
            return;
        }

        if (record.Record(nodeId, ack, receivedAt))
        {
            _metrics.CommandAcks.WithLabels(StatusLabel(ack.Status), ack.Status == CommandAckStatus.Done ? "" : SecurityMetrics.ReasonLabel(ack.Reason)).Inc();
        }
    }

    /// <summary>Sends again every unexpired command that some addressed node has not answered for a resend interval.</summary>
    public async Task ResendDueAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var record in _log.Unexpired(now))
        {
            foreach (var nodeId in record.TakeDueResends(now, _options.ResendInterval))
            {
                _metrics.CommandResends.Inc();
                await ResendAsync(record, nodeId, cancellationToken);
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
            _metrics.CommandResends.Inc();
            await ResendAsync(record, nodeId, cancellationToken);
        }
    }

    /// <summary>
    /// The same bytes on the node's own topic: the target inside the signed part still names the zone or fleet, which
    /// includes the node, and nodes that already answered are not disturbed.
    /// </summary>
    private Task ResendAsync(CommandRecord record, string nodeId, CancellationToken cancellationToken) =>
        SendAsync(record, Topics.ForNode(nodeId, NodeMessageKind.Command), cancellationToken);

    private async Task SendAsync(CommandRecord record, string topic, CancellationToken cancellationToken)
    {
        if (await _publisher.PublishAsync(topic, record.Envelope, atLeastOnce: true, retain: false, cancellationToken))
        {
            Sent?.Invoke(record, topic);
        }
        else
        {
            _logger.LogWarning("Command {CommandId} not handed to the broker on {Topic} (not connected); it is sent again later", record.Id, topic);
        }
    }

    /// <summary>The nodes a command addresses as far as the Controller knows now; nodes it does not know still receive it by topic.</summary>
    private IEnumerable<string> Addressed(CommandTarget target) =>
        target.Node is { } node ? [node]
        : target.Zone is { } zone ? _fleet.Snapshot().Where(state => state.Zones.Contains(zone)).Select(state => state.Id)
        : _fleet.Snapshot().Select(state => state.Id);

    private static string TopicOf(CommandTarget target) =>
        target.Node is { } node ? Topics.ForNode(node, NodeMessageKind.Command)
        : target.Zone is { } zone ? Topics.ForZoneCommands(zone)
        : Topics.FleetCommands;

    private static string StatusLabel(CommandAckStatus status) =>
        JsonSerializer.Serialize(status, ProtocolJsonContext.Default.CommandAckStatus).Trim('"');
}
