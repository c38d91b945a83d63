using System.Text.Json;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// One issued command: the exact envelope bytes (a resend must be byte for byte the same, so a node that accepted it
/// recognises the repeat), whom it was for, and each node's answer. Thread-safe.
/// </summary>
internal sealed class CommandRecord
{
    private readonly Dictionary<string, CommandOutcome?> _outcomes;
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSentAt;

    /// <param name="command">The signed part.</param>
    /// <param name="envelope">The payload as first sent.</param>
    /// <param name="topic">Where it was first sent.</param>
    /// <param name="expectedNodes">Nodes addressed (known ones, for a zone or the fleet).</param>
    /// <param name="sentAt">When it was first sent.</param>
    public CommandRecord(SignedCommand command, byte[] envelope, string topic, IEnumerable<string> expectedNodes, DateTimeOffset sentAt)
    {
        Command = command;
        Envelope = envelope;
        Topic = topic;
        _outcomes = expectedNodes.Distinct(StringComparer.Ordinal).ToDictionary(node => node, _ => (CommandOutcome?)null, StringComparer.Ordinal);
        _lastSentAt = sentAt;
    }

    public SignedCommand Command { get; }

    public byte[] Envelope { get; }

    public string Topic { get; }

    public string Id => Command.Id;

    /// <summary>True when <paramref name="nodeId"/> was addressed or answered.</summary>
    public bool Involves(string nodeId)
    {
        lock (_gate)
        {
            return _outcomes.ContainsKey(nodeId);
        }
    }

    /// <summary>Records an answer; true when it is the node's first answer or differs from the one before (a resend's same answer is not news).</summary>
    public bool Record(string nodeId, CommandAck ack, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(ack);
        lock (_gate)
        {
            var previous = _outcomes.GetValueOrDefault(nodeId);
            if (previous is not null && previous.Status == ack.Status && previous.Reason == ack.Reason)
            {
                return false;
            }

            // A node acts on a command at most once, so its first final answer says what happened. A later different
            // answer under the same id is the node refusing someone's replay of the envelope (reported as a security
            // event); it must not turn the technician's "done" into "refused".
            if (previous is { IsFinal: true })
            {
                return false;
            }

            // Cloned: the ack's JsonElement belongs to a document that the decoder may reuse.
            _outcomes[nodeId] = new CommandOutcome(ack.Status, ack.Reason, ack.Result?.Clone(), at);
            return true;
        }
    }

    /// <summary>Addressed nodes without a final answer, when a resend is due at <paramref name="now"/>; marks them sent.</summary>
    public IReadOnlyList<string> TakeDueResends(DateTimeOffset now, TimeSpan interval)
    {
        lock (_gate)
        {
            if (now > Command.Exp || now - _lastSentAt < interval)
            {
                return [];
            }

            var waiting = _outcomes.Where(pair => pair.Value is not { IsFinal: true }).Select(pair => pair.Key).ToList();
            if (waiting.Count > 0)
            {
                _lastSentAt = now;
            }

            return waiting;
        }
    }

    /// <summary>True when <paramref name="nodeId"/> refused only for want of trusted time and the command is still valid.</summary>
    public bool AwaitsClockOf(string nodeId, DateTimeOffset now)
    {
        lock (_gate)
        {
            return now <= Command.Exp && _outcomes.GetValueOrDefault(nodeId) is { IsFinal: false };
        }
    }

    /// <summary>The API's view at <paramref name="now"/>.</summary>
    public CommandView View(DateTimeOffset now)
    {
        lock (_gate)
        {
            var expired = now > Command.Exp;
            return new CommandView
            {
                Id = Command.Id,
                Type = Command.Type,
                Target = Command.Target,
                Seq = Command.Seq,
                Kid = Command.Kid,
                IssuedAt = Command.Ts,
                ExpiresAt = Command.Exp,
                Outcomes = _outcomes
                    .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                    .Select(pair => pair.Value is { } outcome
                        ? new CommandOutcomeView
                        {
                            NodeId = pair.Key,
                            Status = StatusName(outcome.Status),
                            Reason = outcome.Reason,
                            Result = outcome.Result,
                            At = outcome.At,
                        }
                        : new CommandOutcomeView { NodeId = pair.Key, Status = expired ? "unanswered" : "pending" })
                    .ToArray(),
            };
        }
    }

    /// <summary>The wire name of a status, as the API shows it (the same words the node sent).</summary>
    private static string StatusName(CommandAckStatus status) =>
        JsonSerializer.Serialize(status, ProtocolJsonContext.Default.CommandAckStatus).Trim('"');
}
