using System.Threading.Channels;
using SmartLoudspeaker.Node.Control.Handlers;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Node.Trust;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control;

/// <summary>
/// Signed control on the node: the worker that takes payloads off two bounded queues (commands; certificates,
/// revocations and clock replies), hands trust to <see cref="NodeTrust"/>, clock replies to the authenticated clock and
/// commands to the <see cref="CommandGate"/>, reports refusals, and starts what the gate accepts on the
/// <see cref="CommandDispatcher"/> without waiting for it. The MQTT receive handler only calls <see cref="TryEnqueue"/>;
/// a flood beyond the queues is dropped and counted, so receiving, health and events keep flowing whatever arrives.
/// It contributes the clock (refined by the Controller's offset) and the refused-command count to each health report.
/// </summary>
internal sealed class SignedControl : IDisposable, IHealthContributor
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
    private readonly bool _trustSystemClock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly INodeControlHost _host;
    private readonly NodeTrust _trust;
    private readonly RefusalThrottle _throttle = new(ReportInterval);
    private readonly CommandGate _gate;
    private readonly CommandDispatcher _dispatcher;
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
        Func<SignedControl, IEnumerable<ICommandHandler>>? handlers = null)
    {
        _nodeId = nodeId;
        _trustSystemClock = trustSystemClock;
        _time = time;
        _logger = logger;
        _host = host;
        Clock = new ControllerClock(time);
        _trust = new NodeTrust(nodeId, rootKey, dataDirectory, logger, ReportIgnored);

        // The gate asks the dispatcher what runs, "identify" asks the gate for its high water: a local closes the loop.
        CommandDispatcher? dispatcher = null;
        _gate = new CommandGate(nodeId, zones, _trust.Store, dataDirectory, time, logger, id => dispatcher?.IsRunning(id) == true);
        ICommandHandler[] builtIn =
        [
            new IdentifyHandler(host, () => _gate.HighWater),
            new RebirthHandler(host),
            new SetHeartbeatHandler(host),
            new EmergencyTestHandler(host),
            new RotateIdentityHandler(host),
        ];

        // Handlers made from this control (the audio's need its clock and trust store), both set above.
        _dispatcher = dispatcher = new CommandDispatcher(builtIn.Concat(handlers?.Invoke(this) ?? []), logger);
    }

    /// <summary>
    /// Raised after each payload has been dealt with, so a test knows when to look: for an accepted command, once its
    /// handler is done and its ack sent; for anything else, once the worker is through with it.
    /// </summary>
    public event Action? Processed;

    /// <summary>The Controller keys the node trusts (event acknowledgements are checked against them too).</summary>
    public TrustStore TrustStore => _trust.Store;

    /// <summary>The authenticated clock.</summary>
    public ControllerClock Clock { get; }

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

        return _queue.Writer.TryWrite(new InboundMessage(kind, topic, payload, _time.GetTimestamp()));
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

        var reading = Clock.Read();
        return new TrustedTime(reading?.ControllerNow ?? _time.GetUtcNow(), ClockTrust.IsTrusted(reading is not null, _trustSystemClock, system));
    }

    /// <summary>The clock part of a health report: the Controller's offset once an authenticated sample is in use.</summary>
    public ClockHealth ReportClock(ClockHealth system) =>
        Clock.Offset is { } offset ? new ClockHealth { Synced = true, Source = "controller", OffsetMs = Math.Round(offset.TotalMilliseconds, 1) } : system;

    /// <summary>
    /// Takes the system clock reading the report already holds (so a reading is not taken twice) and reports the clock as
    /// this node trusts it, with the refused-command count.
    /// </summary>
    public ValueTask ContributeAsync(HealthReportDraft report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Clock is { } system)
        {
            ObserveSystemClock(system);
            report.Clock = ReportClock(system);
        }

        report.RefusedCommands = RefusedCommands;
        return ValueTask.CompletedTask;
    }

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
                _trust.HandleCertificate(message);
                break;
            case InboundKind.Revocations:
                _trust.HandleRevocations(message);
                break;
            case InboundKind.TimeReply:
                HandleTimeReply(message);
                break;
        }

        return true;
    }

    private void HandleTimeReply(InboundMessage message)
    {
        var hadOffset = Clock.Offset is not null;
        if (Clock.Accept(message.Payload, _nodeId, _trust.Store, message.ReceivedTimestamp) is { } refusal)
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

    /// <summary>Passes a command through the gate and acts on its decision; false once a handler carries on with it.</summary>
    private async Task<bool> HandleCommandAsync(InboundMessage message, CancellationToken stop)
    {
        var time = await CurrentTimeAsync(stop).ConfigureAwait(false);
        var decision = _gate.Admit(message.Payload, time);
        switch (decision.Action)
        {
            case GateAction.Refuse:
                await RefuseAsync(message.Topic, decision.Command, decision.Reason!, decision.Detail, stop).ConfigureAwait(false);
                return true;
            case GateAction.Answer:
                await AckAsync(decision.Outcome!, stop).ConfigureAwait(false);
                return true;
            case GateAction.Dispatch:
                var command = decision.Command!;
                _logger.LogInformation(
                    "Node {NodeId}: obeying command {Id} ({Type}, seq {Seq}, key {Kid}) from {Topic}",
                    _nodeId, Printable(command.Id), command.Type, command.Seq, command.Kid, Printable(message.Topic));
                _dispatcher.Start(command, time, decision.Outcome!, done => FinishAsync(done, stop), stop);
                return false;
            default:
                return true;
        }
    }

    /// <summary>A handler is done: the gate keeps its outcome for resends, and it is acknowledged once.</summary>
    private async Task FinishAsync(CommandOutcome outcome, CancellationToken stop)
    {
        try
        {
            await AckAsync(_gate.Finish(outcome), stop).ConfigureAwait(false);
        }
        finally
        {
            Processed?.Invoke();
        }
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

    /// <summary>
    /// <see cref="CurrentTime"/>, with the system clock state read afresh first when the last reading is missing or
    /// stale (and the system clock may be trusted at all).
    /// </summary>
    internal async ValueTask<TrustedTime> CurrentTimeAsync(CancellationToken stop)
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

    private static string Printable(string text) => LogText.Printable(text);

    private static string Limit(string text) => LogText.Limit(text);
}
