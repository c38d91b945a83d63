using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node;

/// <summary>
/// Signed control on the node: the pinned root and the Controller keys it certified, the replay guard, the
/// authenticated clock, and the one worker that verifies and carries out commands. The MQTT receive handler only
/// hands payloads to <see cref="TryEnqueue"/>; a bounded queue drops what a flood brings beyond it, so the receive
/// loop, health and events keep flowing whatever arrives. Everything else runs on <see cref="RunAsync"/>, one payload
/// at a time, which is what keeps the replay guard, the outcomes and the files consistent without further locking.
/// </summary>
internal sealed class SignedControl : IDisposable
{
    /// <summary>Command payloads waiting at most; beyond this they are dropped (and counted).</summary>
    public const int CommandQueueCapacity = 64;

    /// <summary>Certificates, revocation lists and clock replies waiting at most; a separate quota, so a command flood cannot crowd them out.</summary>
    public const int ControlQueueCapacity = 32;

    /// <summary>Event kind of a refused command.</summary>
    public const string RefusedEventKind = "security.refused";

    /// <summary>Event kind of an obeyed "emergency-test".</summary>
    public const string EmergencyTestEventKind = EmergencyTestHandler.EventKind;

    /// <summary>Shortest time between two reports (event and warning) of the same refusal reason.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromMinutes(1);

    /// <summary>How long a reading of the operating system's clock state is used before it is read again.</summary>
    public static readonly TimeSpan SystemClockMaxAge = TimeSpan.FromMinutes(1);

    private readonly string _nodeId;
    private readonly IReadOnlyList<string> _zones;
    private readonly string? _dataDirectory;
    private readonly bool _trustSystemClock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly INodeControlHost _host;
    private readonly TrustStore _trust;
    private readonly ReplayGuard _replay;
    private readonly CommandVerifier _verifier;
    private readonly RefusalThrottle _throttle = new(ReportInterval);
    private readonly OutcomeCache _outcomes;
    private readonly CommandDispatcher _dispatcher;

    // The replay guard, the outcomes and their file are touched by the worker and by finishing commands.
    private readonly Lock _state = new();
    private readonly Channel<InboundMessage> _queue = Channel.CreateUnbounded<InboundMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _systemClockGate = new();
    private ClockHealth? _systemClock;
    private DateTimeOffset _systemClockReadAt;
    private int _queuedCommands;
    private int _queuedControl;
    private long _refused;
    private long _droppedUnreported;
    private long _ignoredClockReplies;

    /// <summary>Pins <paramref name="rootKey"/> and reloads what <paramref name="dataDirectory"/> holds from earlier runs.</summary>
    public SignedControl(
        string nodeId,
        IReadOnlyList<string> zones,
        ReadOnlyMemory<byte> rootKey,
        string? dataDirectory,
        bool trustSystemClock,
        TimeProvider time,
        ILogger logger,
        INodeControlHost host,
        IEnumerable<ICommandHandler>? handlers = null)
    {
        _nodeId = nodeId;
        _zones = zones;
        _dataDirectory = dataDirectory;
        _trustSystemClock = trustSystemClock;
        _time = time;
        _logger = logger;
        _host = host;
        _trust = new TrustStore(rootKey.Span);
        LoadTrust();
        var (replay, outcomes) = LoadCommandState();
        _replay = new ReplayGuard(replay);
        _outcomes = new OutcomeCache(outcomes);
        _verifier = new CommandVerifier(_trust, _replay);
        ICommandHandler[] builtIn =
        [
            new IdentifyHandler(host, () => { lock (_state) { return _replay.HighWater; } }),
            new RebirthHandler(host),
            new SetHeartbeatHandler(host),
            new EmergencyTestHandler(host),
        ];
        _dispatcher = new CommandDispatcher(builtIn.Concat(handlers ?? []), logger);
    }

    /// <summary>
    /// Raised after each payload has been dealt with, so a test knows when to look: for an accepted command, once its
    /// handler is done and its ack sent; for anything else, once the worker is through with it.
    /// </summary>
    public event Action? Processed;

    /// <summary>The authenticated clock.</summary>
    public ControllerClock Clock { get; } = new();

    /// <summary>Command payloads refused since start, dropped ones (queue full) included: none of them was obeyed.</summary>
    public long RefusedCommands => Interlocked.Read(ref _refused);

    /// <summary>Clock-sync replies ignored since start (forged, replayed, too slow).</summary>
    public long IgnoredClockReplies => Interlocked.Read(ref _ignoredClockReplies);

    /// <summary>
    /// Hands a payload to the worker; false (and counted) when its queue is full. Called on the MQTT receive loop: it
    /// only copies and counts, never verifies.
    /// </summary>
    public bool TryEnqueue(InboundKind kind, string topic, byte[] payload)
    {
        var isCommand = kind == InboundKind.Command;
        ref var queued = ref isCommand ? ref _queuedCommands : ref _queuedControl;
        if (Interlocked.Increment(ref queued) > (isCommand ? CommandQueueCapacity : ControlQueueCapacity))
        {
            Interlocked.Decrement(ref queued);
            if (isCommand)
            {
                Interlocked.Increment(ref _refused);
                Interlocked.Increment(ref _droppedUnreported);
            }
            else if (kind == InboundKind.TimeReply)
            {
                Interlocked.Increment(ref _ignoredClockReplies);
            }

            return false;
        }

        return _queue.Writer.TryWrite(new InboundMessage(kind, topic, payload, _time.GetUtcNow()));
    }

    /// <summary>Takes a reading of the operating system's clock state (each health report brings one).</summary>
    public void ObserveSystemClock(ClockHealth clock)
    {
        lock (_systemClockGate)
        {
            _systemClock = clock;
            _systemClockReadAt = _time.GetUtcNow();
        }
    }

    /// <summary>The node's time for expiry checks, and whether it is trusted, from the last known system clock state.</summary>
    public TrustedTime CurrentTime()
    {
        ClockHealth? system;
        lock (_systemClockGate)
        {
            system = _systemClock;
        }

        var offset = Clock.Offset;
        return new TrustedTime(_time.GetUtcNow() + (offset ?? TimeSpan.Zero), ClockTrust.IsTrusted(offset is not null, _trustSystemClock, system));
    }

    /// <summary>The clock part of a health report: the Controller's offset once an authenticated sample is in use.</summary>
    public ClockHealth ReportClock(ClockHealth system) =>
        Clock.Offset is { } offset ? new ClockHealth { Synced = true, Source = "controller", OffsetMs = Math.Round(offset.TotalMilliseconds, 1) } : system;

    /// <summary>The worker: one payload at a time until <paramref name="stop"/>; nothing a payload does ends it.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                Interlocked.Decrement(ref message.Kind == InboundKind.Command ? ref _queuedCommands : ref _queuedControl);
                var finished = true;
                try
                {
                    finished = await HandleAsync(message, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // One bad payload (or a failed publish) must not end the worker.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    _logger.LogWarning(exception, "Node {NodeId}: handling a message on {Topic} failed", _nodeId, Printable(message.Topic));
                }

                if (finished)
                {
                    Processed?.Invoke();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The agent is stopping.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _trust.Dispose();

    /// <summary>Deals with one payload; false when a handler carries on with it (and raises <see cref="Processed"/> itself).</summary>
    private async Task<bool> HandleAsync(InboundMessage message, CancellationToken stop)
    {
        switch (message.Kind)
        {
            case InboundKind.Command:
                await ReportDropsAsync().ConfigureAwait(false);
                return await HandleCommandAsync(message, stop).ConfigureAwait(false);
            case InboundKind.KeyCertificate:
                HandleCertificate(message);
                break;
            case InboundKind.Revocations:
                HandleRevocations(message);
                break;
            case InboundKind.TimeReply:
                HandleTimeReply(message);
                break;
        }

        return true;
    }

    private void HandleCertificate(InboundMessage message)
    {
        if (message.Payload.Length == 0 || _trust.CertificatePayloads.Any(known => known.AsSpan().SequenceEqual(message.Payload)))
        {
            // A cleared retained topic, or the certificate we already hold, redelivered on every reconnect.
            return;
        }

        if (_trust.AddCertificate(message.Payload) is { } refusal)
        {
            ReportIgnored("certificate", message.Topic, refusal);
            return;
        }

        _logger.LogInformation("Node {NodeId}: trusts the Controller key certified on {Topic}", _nodeId, Printable(message.Topic));
        SaveTrust();
    }

    private void HandleRevocations(InboundMessage message)
    {
        if (message.Payload.Length == 0)
        {
            return;
        }

        var before = _trust.RevokedKids.Count;
        if (_trust.ApplyRevocations(message.Payload) is { } refusal)
        {
            ReportIgnored("revocation list", message.Topic, refusal);
            return;
        }

        if (_trust.RevokedKids.Count != before)
        {
            _logger.LogWarning(
                "Node {NodeId}: Controller keys revoked by the root: {Kids}",
                _nodeId, Printable(string.Join(",", _trust.RevokedKids.Order(StringComparer.Ordinal))));
            SaveTrust();
        }
    }

    private void HandleTimeReply(InboundMessage message)
    {
        var hadOffset = Clock.Offset is not null;
        if (Clock.Accept(message.Payload, _nodeId, _trust, message.ReceivedAt) is { } refusal)
        {
            Interlocked.Increment(ref _ignoredClockReplies);
            ReportIgnored("clock-sync reply", message.Topic, refusal);
            return;
        }

        if (!hadOffset)
        {
            _logger.LogInformation("Node {NodeId}: clock synchronised with the Controller (offset {Offset})", _nodeId, Clock.Offset);
        }
    }

    /// <summary>The gate: verifies, answers a resend as before, stores the sequence number, then dispatches; false once dispatched.</summary>
    private async Task<bool> HandleCommandAsync(InboundMessage message, CancellationToken stop)
    {
        var parsed = CommandEnvelopeCodec.Parse(message.Payload);
        if (!parsed.Succeeded)
        {
            var unsigned = UnsignedCommand(message.Payload);
            await RefuseAsync(message.Topic, unsigned, RefusalReasons.Malformed, unsigned is null ? parsed.Detail : "not signed", stop).ConfigureAwait(false);
            return true;
        }

        var command = parsed.Message!.Command;
        var time = await CurrentTimeAsync(stop).ConfigureAwait(false);
        CommandVerdict verdict;
        lock (_state)
        {
            verdict = _verifier.Verify(message.Payload, _nodeId, _zones, time);
        }

        if (!verdict.Accepted)
        {
            // Bytes already accepted once (an attacker's replay) end here: their sequence number is spent.
            await RefuseAsync(message.Topic, command, verdict.Refusal!, verdict.Detail, stop).ConfigureAwait(false);
            return true;
        }

        var content = ContentHash(command);
        CommandOutcome? previous;
        lock (_state)
        {
            previous = _outcomes.TryGet(command.Id, out var known) ? known : null;
        }

        if (previous is not null)
        {
            await AnswerResendAsync(message.Topic, command, content, previous, stop).ConfigureAwait(false);
            return true;
        }

        var outcome = new CommandOutcome(command.Id, content, command.Exp, null, null, null, _time.GetUtcNow());
        bool added, saved = false;
        int remembered;
        lock (_state)
        {
            added = _outcomes.TryAdd(outcome, time);
            remembered = _outcomes.Count;

            // Accepted: its sequence number is on disk before anything happens, so a replay after a power cut is refused.
            // Refused for want of room: its number is spent all the same.
            saved = SaveCommandState();
            if (added && !saved)
            {
                outcome = _outcomes.Update(outcome with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.StorageFailed });
            }
        }

        if (!added)
        {
            // Forgetting an unexpired id would let its resend be obeyed a second time; refusing a new one is safe, and
            // the Controller sends it again (a new number) until it expires, by when older ids have expired too.
            await RefuseAsync(
                message.Topic,
                command,
                RefusalReasons.TooManyCommands,
                $"{remembered} unexpired command ids remembered, the most a node keeps{(time.Trusted ? string.Empty : "; none expire without trusted time")}",
                stop).ConfigureAwait(false);
            return true;
        }

        if (!saved)
        {
            await AckAsync(outcome, stop).ConfigureAwait(false);
            return true;
        }

        _logger.LogInformation(
            "Node {NodeId}: obeying command {Id} ({Type}, seq {Seq}, key {Kid}) from {Topic}",
            _nodeId, Printable(command.Id), command.Type, command.Seq, command.Kid, Printable(message.Topic));
        _dispatcher.Start(command, time, outcome, done => FinishAsync(done, stop), stop);
        return false;
    }

    /// <summary>A handler is done: its outcome is kept (and stored) for resends, and acknowledged once.</summary>
    private async Task FinishAsync(CommandOutcome outcome, CancellationToken stop)
    {
        try
        {
            lock (_state)
            {
                // A resend may have moved the expiry on while the handler ran.
                if (_outcomes.TryGet(outcome.Id, out var current) && current.Exp > outcome.Exp)
                {
                    outcome = outcome with { Exp = current.Exp };
                }

                outcome = _outcomes.Update(outcome);
                SaveCommandState();
            }

            await AckAsync(outcome, stop).ConfigureAwait(false);
        }
        finally
        {
            Processed?.Invoke();
        }
    }

    /// <summary>
    /// A verified, fresh envelope (a sequence number never seen) under an id already acted on: the Controller resending
    /// after a lost ack, which signs each resend anew. The same answer, no second action. The same id with another type,
    /// target or body is not a resend: refused and reported. While the first is still being carried out, its own ack is
    /// the answer.
    /// </summary>
    private async Task AnswerResendAsync(string topic, SignedCommand command, string content, CommandOutcome previous, CancellationToken stop)
    {
        if (!string.Equals(previous.Content, content, StringComparison.Ordinal))
        {
            // The resend's sequence number is spent too: replaying its bytes after a reboot must be refused, not answered.
            lock (_state)
            {
                SaveCommandState();
            }

            await RefuseAsync(topic, command, RefusalReasons.Replayed, "id reused: an accepted command had this id with another type, target or body", stop)
                .ConfigureAwait(false);
            return;
        }

        bool underWay;
        lock (_state)
        {
            // Read again: the first may have finished since. A finishing command is updated here before it stops running.
            previous = _outcomes.TryGet(command.Id, out var current) ? current : previous;
            if (command.Exp > previous.Exp)
            {
                // The Controller resends with the same exp; should one ever carry a later one, the id is kept until then.
                previous = _outcomes.Update(previous with { Exp = command.Exp });
            }

            underWay = previous.Status is null && _dispatcher.IsRunning(command.Id);
            SaveCommandState();
        }

        if (underWay)
        {
            _logger.LogDebug("Node {NodeId}: command {Id} resent (seq {Seq}) while under way; its ack follows when done", _nodeId, Printable(command.Id), command.Seq);
            return;
        }

        _logger.LogDebug("Node {NodeId}: command {Id} resent (seq {Seq}); answering as before", _nodeId, Printable(command.Id), command.Seq);
        await AckAsync(previous.Status is null ? previous with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.Interrupted } : previous, stop)
            .ConfigureAwait(false);
    }

    private async Task RefuseAsync(string topic, SignedCommand? command, string reason, string? detail, CancellationToken stop)
    {
        Interlocked.Increment(ref _refused);
        var now = _time.GetUtcNow();
        if (_throttle.Admit(reason, now) is { } suppressed)
        {
            var what = command is null
                ? $"a payload on {topic}"
                : $"command {command.Id} ({command.Type}, seq {command.Seq}, key {command.Kid}) on {topic}";
            var text = Limit(Printable(
                $"Refused {what}: {reason}{(detail is null ? string.Empty : " (" + detail + ")")}"
                + (suppressed > 0 ? $"; {suppressed} more '{reason}' refusal(s) since the previous report" : string.Empty)));
            _logger.LogWarning("Node {NodeId}: {Refusal}", _nodeId, text);
            await _host.RaiseEventAsync(RefusedEventKind, EventSeverity.Warning, reason, text).ConfigureAwait(false);
        }

        if (command is not null)
        {
            await AckAsync(new CommandOutcome(command.Id, string.Empty, command.Exp, CommandAckStatus.Refused, reason, null, now), stop).ConfigureAwait(false);
        }
    }

    private async Task ReportDropsAsync()
    {
        var dropped = Interlocked.Read(ref _droppedUnreported);
        if (dropped == 0 || _throttle.Admit(RefusalReasons.Overloaded, _time.GetUtcNow()) is null)
        {
            return;
        }

        Interlocked.Add(ref _droppedUnreported, -dropped);
        var text = $"Dropped {dropped} command payload(s) unverified: they arrived faster than the node verifies them (queue of {CommandQueueCapacity})";
        _logger.LogWarning("Node {NodeId}: {Text}", _nodeId, text);
        await _host.RaiseEventAsync(RefusedEventKind, EventSeverity.Warning, RefusalReasons.Overloaded, text).ConfigureAwait(false);
    }

    private void ReportIgnored(string what, string topic, string reason)
    {
        if (_throttle.Admit(what + ":" + reason, _time.GetUtcNow()) is { } suppressed)
        {
            _logger.LogWarning(
                "Node {NodeId}: ignored a {What} on {Topic}: {Reason} ({Suppressed} more not logged in the last minute)",
                _nodeId, what, Printable(topic), reason, suppressed);
        }
    }

    private async Task AckAsync(CommandOutcome outcome, CancellationToken stop)
    {
        var ack = new CommandAck
        {
            Id = outcome.Id,
            NodeId = _nodeId,
            Status = outcome.Status ?? CommandAckStatus.Failed,
            Reason = outcome.Reason,
            Result = outcome.Result,
            Ts = outcome.Ts,
        };
        if (!await _host.PublishAckAsync(ack, stop).ConfigureAwait(false))
        {
            _logger.LogDebug("Node {NodeId}: not connected; ack of {Id} not sent (a resend will get it)", _nodeId, Printable(outcome.Id));
        }
    }

    private async ValueTask<TrustedTime> CurrentTimeAsync(CancellationToken stop)
    {
        if (_trustSystemClock)
        {
            bool stale;
            lock (_systemClockGate)
            {
                stale = _systemClock is null || _time.GetUtcNow() - _systemClockReadAt > SystemClockMaxAge;
            }

            if (stale && await _host.ReadSystemClockAsync(stop).ConfigureAwait(false) is { } clock)
            {
                ObserveSystemClock(clock);
            }
        }

        return CurrentTime();
    }

    private void LoadTrust()
    {
        if (_dataDirectory is null)
        {
            return;
        }

        try
        {
            var (certificates, revoked) = TrustFile.Read(_dataDirectory);
            _trust.Revoke(revoked);
            foreach (var certificate in certificates)
            {
                if (_trust.AddCertificate(certificate) is { } refusal)
                {
                    _logger.LogWarning("Node {NodeId}: a stored Controller certificate is no longer accepted ({Reason}); dropped", _nodeId, refusal);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            _logger.LogWarning(
                "Node {NodeId}: cannot read {File} ({Error}); commands wait for the broker's retained certificates",
                _nodeId, TrustFile.FileName, exception.Message);
        }
    }

    private (ReplayState Replay, IReadOnlyList<CommandOutcome> Outcomes) LoadCommandState()
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

    private bool SaveCommandState()
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

    private void SaveTrust()
    {
        if (_dataDirectory is null)
        {
            return;
        }

        try
        {
            TrustFile.Save(_dataDirectory, _trust.CertificatePayloads, _trust.RevokedKids);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(
                "Node {NodeId}: cannot store trusted keys in {DataDirectory} ({Error}); after a restart they come from the broker again",
                _nodeId, _dataDirectory, exception.Message);
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

    /// <summary>Text from the wire, safe for one log line: control characters (a forged id may hold line feeds) replaced.</summary>
    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    private static string Limit(string text) => text.Length <= 1024 ? text : text[..1021] + "...";
}
