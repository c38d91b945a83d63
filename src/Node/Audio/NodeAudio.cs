using System.Collections.Concurrent;
using SmartLoudspeaker.Node.Audio.Arbiter;
using SmartLoudspeaker.Node.Audio.Live;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Control;
using SmartLoudspeaker.Node.Quiet;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Priority;
using SmartLoudspeaker.Protocol.Security;
using ArbiterCore = SmartLoudspeaker.Node.Audio.Arbiter.Arbiter;

namespace SmartLoudspeaker.Node.Audio;

/// <summary>
/// The node's audio, joined: the playout engine on a thread of its own (an ALSA write blocks the thread it runs on),
/// fed by the arbiter under the commune's quiet hours; the live streams' intake; the sound commands' entry points; the
/// arbiter's reports raised as "play.report" events; and the <c>audio</c> part of health.
/// </summary>
/// <remarks>
/// Only a node with signed control has audio: without the Controller's clock nothing can be timed, and without its
/// keys nothing can be verified.
/// </remarks>
internal sealed class NodeAudio : IHealthContributor, IAsyncDisposable
{
    /// <summary>Event kind of a play report.</summary>
    public const string ReportEventKind = "play.report";

    /// <summary>How long a test tone may wait behind other plays before it is stale: it tests the line now, not later.</summary>
    public static readonly TimeSpan ToneWindow = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan RefusalLogInterval = TimeSpan.FromMinutes(1);

    private readonly PlayoutEngine _engine;
    private readonly LiveStreamIntake _intake;
    private readonly IControllerTime _controllerTime;
    private readonly INodeControlHost _host;
    private readonly ILogger _logger;
    private readonly string _nodeId;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, PriorityClass> _classes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _refusalLogged = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private Thread? _thread;
    private Task? _reports;
    private string? _sounding;
    private bool _disposed;

    public NodeAudio(
        string nodeId, Func<IAudioSink> sinkFactory, IControllerTime controllerTime, QuietHoursPolicy quietHours, TrustStore trust,
        INodeControlHost host, TimeProvider time, PlayoutOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(quietHours);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(logger);
        _nodeId = nodeId;
        _controllerTime = controllerTime;
        _host = host;
        _logger = logger;
        _time = time;
        _intake = new LiveStreamIntake(trust);
        _engine = new PlayoutEngine(sinkFactory, controllerTime, new ArbiterCore(quietHours.Admits), time, options);
        _engine.SinkFault += (_, fault) => _logger.LogWarning("Node {NodeId}: audio device: {Fault}: {Message}", _nodeId, fault.Fault, fault.Message);
    }

    /// <summary>Software volume 0–100 (capped by the site's maximum).</summary>
    public int Volume
    {
        get => _engine.Volume;
        set => _engine.Volume = value;
    }

    /// <summary>What the live intake accepted and refused so far.</summary>
    public LiveIntakeCounters LiveCounters => _intake.Counters;

    /// <summary>Starts the playout thread and the reports' forwarding; once.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_thread is not null)
        {
            throw new InvalidOperationException("The node's audio has already been started.");
        }

        var token = _stopping.Token;
        _thread = new Thread(() => RunPlayout(token)) { IsBackground = true, Name = "playout " + _nodeId, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
        _reports = Task.Run(() => ForwardReportsAsync(token), CancellationToken.None);
    }

    /// <summary>"play-tone": queues the tone; false when the node holds no Controller time to place it by.</summary>
    public bool PlayTone(PlayToneCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var startAt = command.StartAt ?? _controllerTime.Read()?.ControllerNow;
        if (startAt is not { } start)
        {
            return false;
        }

        var request = new PlayRequest(
            command.PlayId, command.Class, start, start + ToneWindow, ResumesFromCutPoint: true, command.Duration, command.OverrideQuietHours == true);
        _classes.TryAdd(command.PlayId, command.Class);
        _engine.Submit(request, new ToneContent(command.FrequencyHz, command.Duration, command.Amplitude));
        return true;
    }

    /// <summary>"stop-play": fades out or drops the play; a play not held is stopped already.</summary>
    public void Stop(string playId) => _engine.Stop(playId);

    /// <summary>
    /// "stream-start": accepts the stream and queues its play at its first frame's instant + delay; the same start
    /// again is a resend. False for an id this node ended, or started with other terms.
    /// </summary>
    public bool StartStream(StreamStartCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_intake.TryStart(command, out var content))
        {
            return false;
        }

        var request = new PlayRequest(
            command.StreamId, command.Class, command.PlayAt(command.FirstTimestamp), WindowEnd: null, ResumesFromCutPoint: false,
            HasQuietHoursOverride: command.OverrideQuietHours == true);
        _classes.TryAdd(command.StreamId, command.Class);
        _engine.Submit(request, content);
        return true;
    }

    /// <summary>"stream-stop": ends the stream at its end timestamp, or fades it out now.</summary>
    public void StopStream(StreamStopCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _intake.Stop(command.StreamId, command.EndTimestampUs);
        if (command.EndTimestampUs is null)
        {
            _engine.Stop(command.StreamId);
        }
    }

    /// <summary>
    /// A live packet from the audio topic of <paramref name="streamId"/>; on the MQTT receive loop. Returns the refusal
    /// reason, or null when its frames were taken. Without Controller time a packet cannot be placed and is refused.
    /// </summary>
    public string? Receive(string streamId, ReadOnlyMemory<byte> packet)
    {
        var refusal = _controllerTime.Read() is { } now
            ? _intake.Receive(streamId, packet, ControllerTimeline.ToSample(now.ControllerNow))
            : RefusalReasons.ClockUntrusted;
        if (refusal is not null)
        {
            NoteRefusal(streamId, refusal);
        }

        return refusal;
    }

    /// <inheritdoc />
    public ValueTask ContributeAsync(HealthReportDraft report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sounding = Volatile.Read(ref _sounding);
        var state = !_engine.DeviceOpen ? "fault" : sounding is null ? "idle" : "playing";
        report.Audio = new AudioHealth
        {
            State = state,
            Class = sounding is not null && _classes.TryGetValue(sounding, out var playing) ? playing : null,
            VolumePercent = _engine.Volume,
        };
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops the playout (the thread ends after its block), then disposes the device and the streams.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_reports is not null)
        {
            await _reports.ConfigureAwait(false);
        }

        _thread?.Join(TimeSpan.FromSeconds(5));
        _engine.Dispose();
        _intake.Dispose();
        _stopping.Dispose();
    }

    /// <summary>The play-report's text: the fields the Controller reads, in a fixed order (docs/protocol.md, "play.report").</summary>
    internal static string ReportText(ArbiterReport report) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"play={report.PlayId} at={report.At.ToUniversalTime():O}")
        + (report.By is { } by ? " by=" + by : string.Empty)
        + (report.Reason is { } reason ? " reason=" + reason : string.Empty);

    /// <summary>
    /// Logs a refused packet at most once a minute per reason: a stream is 17 packets a second, and one refused for a
    /// reason (a stream this node was not started for, a forged sender) is refused for it 17 times a second.
    /// </summary>
    private void NoteRefusal(string streamId, string reason)
    {
        var now = _time.GetUtcNow();
        var last = _refusalLogged.GetOrAdd(reason, DateTimeOffset.MinValue);
        if (now - last >= RefusalLogInterval && _refusalLogged.TryUpdate(reason, now, last))
        {
            _logger.LogWarning("Node {NodeId}: refused live audio of stream {StreamId}: {Reason} (told once a minute per reason)", _nodeId, streamId, reason);
        }
    }

    private void RunPlayout(CancellationToken token)
    {
        try
        {
            _engine.RunAsync(token).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            // The loop catches device faults itself; anything else is a bug that must not pass in silence.
            _logger.LogCritical(exception, "Node {NodeId}: the playout loop stopped", _nodeId);
        }
    }

    private async Task ForwardReportsAsync(CancellationToken token)
    {
        try
        {
            await foreach (var report in _engine.Reports.ReadAllAsync(token).ConfigureAwait(false))
            {
                Track(report);
                var severity = report.Kind == PlayReportKind.Failed ? EventSeverity.Warning : EventSeverity.Info;
                await _host.RaiseEventAsync(ReportEventKind, severity, report.Kind.ToString().ToLowerInvariant(), ReportText(report)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (token.IsCancellationRequested)
        {
            // The agent is going away with its outbox; reports of the last moments are not kept.
        }
    }

    /// <summary>What sounds now, for health; and a stream over for good is forgotten so its decoder goes.</summary>
    private void Track(ArbiterReport report)
    {
        switch (report.Kind)
        {
            case PlayReportKind.Started or PlayReportKind.Resumed:
                Volatile.Write(ref _sounding, report.PlayId);
                break;
            case PlayReportKind.Finished or PlayReportKind.Failed or PlayReportKind.Superseded:
                Interlocked.CompareExchange(ref _sounding, null, report.PlayId);
                _classes.TryRemove(report.PlayId, out _);
                _intake.Forget(report.PlayId);
                break;
            case PlayReportKind.Preempted:
                Interlocked.CompareExchange(ref _sounding, null, report.PlayId);
                break;
        }
    }
}
