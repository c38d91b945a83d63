using System.Text.Json;
using SmartLoudspeaker.Controller.Commands.Storage;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// One issued command: its signed part as first issued, every sequence number it was signed with (a resend is signed
/// anew with a new number, since a node refuses the same bytes twice as a replay), whom it was for, and each node's
/// answer. Thread-safe.
/// </summary>
internal sealed class CommandRecord
{
    private readonly Dictionary<string, CommandOutcome?> _outcomes;
    private readonly List<long> _seqs;
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSentAt;

    /// <param name="command">The signed part as first issued.</param>
    /// <param name="expectedNodes">Nodes addressed (known ones, for a zone or the fleet).</param>
    /// <param name="sentAt">When it was first sent.</param>
    public CommandRecord(SignedCommand command, IEnumerable<string> expectedNodes, DateTimeOffset sentAt)
        : this(command, [command.Seq], expectedNodes.Distinct(StringComparer.Ordinal).Select(node => KeyValuePair.Create(node, (CommandOutcome?)null)), sentAt)
    {
    }

    private CommandRecord(SignedCommand command, IEnumerable<long> seqs, IEnumerable<KeyValuePair<string, CommandOutcome?>> outcomes, DateTimeOffset lastSentAt)
    {
        Command = command;
        _seqs = [.. seqs];
        _outcomes = new Dictionary<string, CommandOutcome?>(outcomes, StringComparer.Ordinal);
        _lastSentAt = lastSentAt;
    }

    /// <summary>The signed part as first issued; a resend is this with a new <c>seq</c>, <c>ts</c> and possibly <c>kid</c>.</summary>
    public SignedCommand Command { get; }

    public string Id => Command.Id;

    /// <summary>Records the sequence number a resend was signed with.</summary>
    public void AddResend(long seq)
    {
        lock (_gate)
        {
            _seqs.Add(seq);
        }
    }

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

            // A node acts on a command at most once, so its answer that it acted ("done", "failed") says what happened.
            // A refusal under the same id after it is the node refusing someone's replay of one of the command's
            // envelopes (reported as a security event): it must not turn the technician's "done" into "refused". It
            // may also come first: ingest hands answers over as their store writes complete, which need not be in the
            // order they arrived, and an attacker can replay within milliseconds. Among refusals the first final one stays.
            if (previous is { IsFinal: true } && (Acted(previous.Status) || !Acted(ack.Status)))
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
            // A resend is signed with ts = now and the same exp, which must stay after ts.
            if (now >= Command.Exp || now - _lastSentAt < interval)
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
            return now < Command.Exp && _outcomes.GetValueOrDefault(nodeId) is { IsFinal: false };
        }
    }

    /// <summary>The record as the store read it back after a restart.</summary>
    public static CommandRecord Restore(StoredCommand stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new CommandRecord(
            stored.Command,
            stored.Seqs.Count > 0 ? stored.Seqs : [stored.Command.Seq],
            stored.Outcomes.Select(outcome => KeyValuePair.Create(
                outcome.NodeId,
                outcome is { Status: { } status, At: { } at } ? new CommandOutcome(status, outcome.Reason, outcome.Result, at) : null)),
            stored.LastSentAt);
    }

    /// <summary>What the store keeps of the record now: a consistent snapshot, taken under the record's lock.</summary>
    public StoredCommand ToStored()
    {
        lock (_gate)
        {
            return new StoredCommand(
                Command,
                [.. _seqs],
                _lastSentAt,
                _outcomes
                    .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                    .Select(pair => new StoredOutcome(pair.Key, pair.Value?.Status, pair.Value?.Reason, pair.Value?.Result, pair.Value?.At))
                    .ToArray());
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
                Seqs = [.. _seqs],
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

    private static bool Acted(CommandAckStatus status) => status is CommandAckStatus.Done or CommandAckStatus.Failed;

    /// <summary>The wire name of a status, as the API shows it (the same words the node sent).</summary>
    private static string StatusName(CommandAckStatus status) =>
        JsonSerializer.Serialize(status, ProtocolJsonContext.Default.CommandAckStatus).Trim('"');
}
