using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control;

/// <summary>
/// The command gate: verification (signature, key, target, expiry, replay), the replay state on disk before anything
/// is acted on, and the outcome cache that answers a resend as before. It decides and stores, nothing more: reporting,
/// acks and execution are its caller's, so it never waits on a command being carried out. Thread-safe: the verification
/// worker and finishing handlers both come here.
/// </summary>
internal sealed class CommandGate
{
    private readonly string _nodeId;
    private readonly IReadOnlyList<string> _zones;
    private readonly string? _dataDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReplayGuard _replay;
    private readonly OutcomeCache _outcomes;
    private readonly CommandVerifier _verifier;
    private readonly Func<string, bool> _isRunning;
    private readonly Lock _state = new();

    /// <summary>Reloads what <paramref name="dataDirectory"/> holds from earlier runs; <paramref name="isRunning"/> says whether an id is being carried out.</summary>
    public CommandGate(
        string nodeId, IReadOnlyList<string> zones, TrustStore trust, string? dataDirectory, TimeProvider time, ILogger logger, Func<string, bool> isRunning)
    {
        _nodeId = nodeId;
        _zones = zones;
        _dataDirectory = dataDirectory;
        _time = time;
        _logger = logger;
        _isRunning = isRunning;
        var (replay, outcomes) = Load();
        _replay = new ReplayGuard(replay);
        _outcomes = new OutcomeCache(outcomes);
        _verifier = new CommandVerifier(trust, _replay);
    }

    /// <summary>The highest sequence number accepted.</summary>
    public long HighWater
    {
        get
        {
            lock (_state)
            {
                return _replay.HighWater;
            }
        }
    }

    /// <summary>Decides about one command payload at <paramref name="time"/>; an accepted one is on disk when this returns.</summary>
    public GateDecision Admit(byte[] payload, TrustedTime time)
    {
        var parsed = CommandEnvelopeCodec.Parse(payload);
        if (!parsed.Succeeded)
        {
            var unsigned = UnsignedCommand(payload);
            return GateDecision.Refused(unsigned, RefusalReasons.Malformed, unsigned is null ? parsed.Detail : "not signed");
        }

        var command = parsed.Message!.Command;
        lock (_state)
        {
            var verdict = _verifier.Verify(payload, _nodeId, _zones, time);
            if (!verdict.Accepted)
            {
                // Bytes already accepted once (an attacker's replay) end here: their sequence number is spent.
                return GateDecision.Refused(command, verdict.Refusal!, verdict.Detail);
            }

            var content = ContentHash(command);
            if (_outcomes.TryGet(command.Id, out var previous))
            {
                return Resend(command, content, previous);
            }

            var outcome = new CommandOutcome(command.Id, content, command.Exp, null, null, null, _time.GetUtcNow());
            if (!_outcomes.TryAdd(outcome, time))
            {
                // Forgetting an unexpired id would let its resend be obeyed a second time; refusing a new one is safe, and
                // the Controller sends it again (a new number) until it expires, by when older ids have expired too.
                Save();
                return GateDecision.Refused(
                    command,
                    RefusalReasons.TooManyCommands,
                    $"{_outcomes.Count} unexpired command ids remembered, the most a node keeps{(time.Trusted ? string.Empty : "; none expire without trusted time")}");
            }

            // Accepted: its sequence number is on disk before anything happens, so a replay after a power cut is refused.
            if (!Save())
            {
                outcome = _outcomes.Update(outcome with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.StorageFailed });
                return new GateDecision(GateAction.Answer, command, null, null, outcome);
            }

            return new GateDecision(GateAction.Dispatch, command, null, null, outcome);
        }
    }

    /// <summary>A handler is done: its outcome is kept (and stored) for resends; returns what to ack.</summary>
    public CommandOutcome Finish(CommandOutcome outcome)
    {
        lock (_state)
        {
            // A resend may have moved the expiry on while the handler ran.
            if (_outcomes.TryGet(outcome.Id, out var current) && current.Exp > outcome.Exp)
            {
                outcome = outcome with { Exp = current.Exp };
            }

            outcome = _outcomes.Update(outcome);
            Save();
            return outcome;
        }
    }

    /// <summary>
    /// A verified, fresh envelope (a sequence number never seen) under an id already acted on: the Controller resending
    /// after a lost ack, which signs each resend anew. The same answer, no second action. The same id with another type,
    /// target or body is not a resend: refused. While the first is still being carried out, its own ack is the answer.
    /// </summary>
    private GateDecision Resend(SignedCommand command, string content, CommandOutcome previous)
    {
        // The resend's sequence number is spent in every case: replaying its bytes after a reboot must be refused.
        if (!string.Equals(previous.Content, content, StringComparison.Ordinal))
        {
            Save();
            return GateDecision.Refused(command, RefusalReasons.Replayed, "id reused: an accepted command had this id with another type, target or body");
        }

        if (command.Exp > previous.Exp)
        {
            // The Controller resends with the same exp; should one ever carry a later one, the id is kept until then.
            previous = _outcomes.Update(previous with { Exp = command.Exp });
        }

        Save();

        // A finishing command is updated (under this lock) before it stops running, so "under way" here is true.
        if (previous.Status is null && _isRunning(command.Id))
        {
            _logger.LogDebug("Node {NodeId}: command {Id} resent (seq {Seq}) while under way; its ack follows when done", _nodeId, LogText.Printable(command.Id), command.Seq);
            return new GateDecision(GateAction.Wait, command, null, null, previous);
        }

        _logger.LogDebug("Node {NodeId}: command {Id} resent (seq {Seq}); answering as before", _nodeId, LogText.Printable(command.Id), command.Seq);
        var answer = previous.Status is null ? previous with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.Interrupted } : previous;
        return new GateDecision(GateAction.Answer, command, null, null, answer);
    }

    private (ReplayState Replay, IReadOnlyList<CommandOutcome> Outcomes) Load()
    {
        if (_dataDirectory is null)
        {
            _logger.LogWarning("Node {NodeId}: no data folder; accepted commands are not remembered across a restart", _nodeId);
            return (ReplayState.Empty, []);
        }

        try
        {
            return CommandStateFile.Read(_dataDirectory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException
            or KeyNotFoundException or FormatException or InvalidDataException)
        {
            // Not ours to trust, and not to be overwritten either: a technician may want to see it.
            var path = Path.Combine(_dataDirectory, CommandStateFile.FileName);
            _logger.LogError(
                "Node {NodeId}: cannot read {Path} ({Error}); moved aside, starting with no accepted commands",
                _nodeId, path, exception.Message);
            TryMoveAside(path);
            return (ReplayState.Empty, []);
        }
    }

    private static void TryMoveAside(string path)
    {
        try
        {
            File.Move(path, path + ".unreadable", overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left where it is; the next save replaces it.
        }
    }

    private bool Save()
    {
        if (_dataDirectory is null)
        {
            return true;
        }

        try
        {
            CommandStateFile.Save(_dataDirectory, _replay.State, _outcomes.Outcomes);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(
                "Node {NodeId}: cannot store accepted commands in {DataDirectory} ({Error}); a replay after a restart could not be refused",
                _nodeId, _dataDirectory, exception.Message);
            return false;
        }
    }

    /// <summary>The first line of an unsigned command, parsed, so even that refusal can name the command in an ack.</summary>
    private static SignedCommand? UnsignedCommand(byte[] payload)
    {
        var newline = Array.IndexOf(payload, (byte)'\n');
        ReadOnlySpan<byte> firstLine = newline < 0 ? payload : payload.AsSpan(0, newline);
        var decoded = WireCodec.Decode<SignedCommand>(firstLine);
        return decoded.Succeeded ? decoded.Message : null;
    }

    /// <summary>
    /// SHA-256 (base64url) of what a command asks for: type, target and body as signed. A resend is signed anew (new
    /// sequence number and time, possibly another key), so this, not the bytes, is what must match under one id.
    /// </summary>
    private static string ContentHash(SignedCommand command)
    {
        var target = command.Target;
        var text = string.Join('\n', command.Type, target.Node, target.Zone, target.All, command.Body?.GetRawText());
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
