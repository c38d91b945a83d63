using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>
/// The node's single decider of what sounds: the last line of defence of docs/protocol.md ("Priorities"). Pure logic —
/// no samples, no timers: every call takes the Controller-clock instant it happens at, so the playout loop drives it
/// from its own clock and tests drive it with plain instants. Each call returns what the playout must do
/// (<see cref="CutPlay"/> before <see cref="BeginPlay"/>) and the reports for the Controller.
/// </summary>
/// <remarks>
/// <para>
/// Not thread-safe: it has one owner, the playout loop, which serialises commands, content ends and its ticks; a lock
/// here would only hide a second caller that should not exist.
/// </para>
/// <para>
/// Rules. A busy target follows <see cref="PreemptionPolicy.Decide"/>: a higher class cuts what plays, which waits to
/// resume while its window is open; an emergency on an emergency supersedes it for good; anything else queues. When
/// the target frees, the waiting item of the highest class goes next, and within a class the one submitted first — a
/// preempted item keeps its original place, so it resumes before an equal-class item that came after it. An item
/// never begins or resumes after its window end. Quiet hours are asked each time something would begin or resume
/// (not at submit: a queued item may come due after the window ends), and a refusal never cuts what plays.
/// </para>
/// <para>
/// A preempted file resumes <see cref="ResumeOverlap"/> before its cut point (not below zero) so the listener hears
/// where it was; a live stream resumes at its present. The content position of what plays is
/// (now − when it began) + where it began.
/// </para>
/// </remarks>
internal sealed class Arbiter
{
    /// <summary>How much of a preempted file is played again on resume, so the sentence that was cut is heard whole.</summary>
    public static readonly TimeSpan ResumeOverlap = TimeSpan.FromSeconds(0.5);

    private readonly Func<PriorityClass, bool, bool> _quietHoursAdmit;
    private readonly List<Entry> _waiting = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private Entry? _current;
    private long _nextSequence;

    /// <param name="quietHoursAdmit">
    /// Whether a class (with or without a signed override) may sound now; on a node this is
    /// <c>QuietHoursPolicy.Admits</c>, which reads the node's own clock.
    /// </param>
    public Arbiter(Func<PriorityClass, bool, bool> quietHoursAdmit)
    {
        ArgumentNullException.ThrowIfNull(quietHoursAdmit);
        _quietHoursAdmit = quietHoursAdmit;
    }

    /// <summary>The play sounding now, or null when the target is idle.</summary>
    public string? CurrentPlayId => _current?.Request.PlayId;

    /// <summary>Plays waiting (scheduled, queued or preempted), in the order they would go if all were due.</summary>
    public IReadOnlyList<string> WaitingPlayIds => [.. _waiting.OrderByDescending(e => e.Request.Class).ThenBy(e => e.Sequence).Select(e => e.Request.PlayId)];

    /// <summary>
    /// A new play. One due now is decided at once; a later one waits for <see cref="Tick"/>. A resend of a play id the
    /// arbiter still holds changes nothing.
    /// </summary>
    public ArbiterResult Submit(PlayRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_known.Add(request.PlayId))
        {
            return ArbiterResult.None;
        }

        var step = new Step();
        var entry = new Entry(request, _nextSequence++);
        if (IsWindowClosed(request, now))
        {
            Fail(step, entry, ArbiterReasons.WindowClosed, now);
        }
        else if (request.StartAt > now)
        {
            _waiting.Add(entry);
        }
        else
        {
            Arrive(step, entry, now);
        }

        return step.ToResult();
    }

    /// <summary>The content of <paramref name="playId"/> ran out; the next waiting item goes. A stale id changes nothing.</summary>
    public ArbiterResult Finished(string playId, DateTimeOffset now)
    {
        if (_current is null || _current.Request.PlayId != playId)
        {
            return ArbiterResult.None;
        }

        var step = new Step();
        step.Reports.Add(new ArbiterReport(PlayReportKind.Finished, playId, now));
        Forget(_current);
        _current = null;
        StartNext(step, now);
        return step.ToResult();
    }

    /// <summary>
    /// The playout could not sound <paramref name="playId"/> (for instance <see cref="ArbiterReasons.HardwareNotReady"/>):
    /// it is reported failed and the next waiting item goes. A stale id changes nothing.
    /// </summary>
    public ArbiterResult Failed(string playId, string reason, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (_current is null || _current.Request.PlayId != playId)
        {
            return ArbiterResult.None;
        }

        var step = new Step();
        Fail(step, _current, reason, now);
        _current = null;
        StartNext(step, now);
        return step.ToResult();
    }

    /// <summary>
    /// Someone stops <paramref name="playId"/>: sounding, it is cut and the next waiting item goes; waiting, it is
    /// taken out. Either way it is reported finished with <see cref="ArbiterReasons.Stopped"/>. An unknown id changes nothing.
    /// </summary>
    public ArbiterResult Stop(string playId, DateTimeOffset now)
    {
        var step = new Step();
        if (_current is not null && _current.Request.PlayId == playId)
        {
            step.Actions.Add(new CutPlay(playId));
            step.Reports.Add(new ArbiterReport(PlayReportKind.Finished, playId, now, Reason: ArbiterReasons.Stopped));
            Forget(_current);
            _current = null;
            StartNext(step, now);
        }
        else if (_waiting.Find(e => e.Request.PlayId == playId) is { } waiting)
        {
            _waiting.Remove(waiting);
            step.Reports.Add(new ArbiterReport(PlayReportKind.Finished, playId, now, Reason: ArbiterReasons.Stopped));
            Forget(waiting);
        }

        return step.ToResult();
    }

    /// <summary>
    /// Time moved on: waiting items whose window closed are dropped (failed, "window-closed"), then scheduled items
    /// whose start came are decided as if submitted at their start — the highest class first, then the earliest start,
    /// so two that come due in one tick never play out of class order.
    /// </summary>
    public ArbiterResult Tick(DateTimeOffset now)
    {
        var step = new Step();
        foreach (var closed in _waiting.Where(e => IsWindowClosed(e.Request, now)).ToList())
        {
            _waiting.Remove(closed);
            Fail(step, closed, ArbiterReasons.WindowClosed, now);
        }

        var due = _waiting
            .Where(e => !e.Arrived && e.Request.StartAt <= now)
            .OrderByDescending(e => e.Request.Class)
            .ThenBy(e => e.Request.StartAt)
            .ThenBy(e => e.Sequence)
            .ToList();
        foreach (var entry in due)
        {
            _waiting.Remove(entry);
            Arrive(step, entry, now);
        }

        if (_current is null)
        {
            StartNext(step, now);
        }

        return step.ToResult();
    }

    /// <summary>An item whose start has come meets the target as it is.</summary>
    private void Arrive(Step step, Entry entry, DateTimeOffset now)
    {
        entry.Arrived = true;
        var decision = PreemptionPolicy.Decide(entry.Request.Class, _current?.Request.Class);
        if (decision == PreemptionDecision.Queue)
        {
            _waiting.Add(entry);
            return;
        }

        // Asked before anything is cut: a refused item must not silence what plays.
        if (!_quietHoursAdmit(entry.Request.Class, entry.Request.HasQuietHoursOverride))
        {
            Fail(step, entry, ArbiterReasons.QuietHours, now);
            return;
        }

        if (_current is { } current)
        {
            step.Actions.Add(new CutPlay(current.Request.PlayId));
            if (decision == PreemptionDecision.Supersede)
            {
                step.Reports.Add(new ArbiterReport(PlayReportKind.Superseded, current.Request.PlayId, now, By: entry.Request.PlayId));
                Forget(current);
            }
            else
            {
                step.Reports.Add(new ArbiterReport(PlayReportKind.Preempted, current.Request.PlayId, now, By: entry.Request.PlayId));
                SetAside(step, current, now);
            }

            _current = null;
        }

        Begin(step, entry, now);
    }

    /// <summary>A preempted item waits to resume, unless its window has closed or its content is used up.</summary>
    private void SetAside(Step step, Entry entry, DateTimeOffset now)
    {
        entry.CutAt = entry.Request.ResumesFromCutPoint ? entry.PositionAt(now) : null;
        entry.WasPreempted = true;
        if (IsWindowClosed(entry.Request, now))
        {
            Fail(step, entry, ArbiterReasons.WindowClosed, now);
        }
        else if (entry.Request.Duration is { } duration && entry.CutAt >= duration)
        {
            step.Reports.Add(new ArbiterReport(PlayReportKind.Finished, entry.Request.PlayId, now));
            Forget(entry);
        }
        else
        {
            _waiting.Add(entry);
        }
    }

    /// <summary>The target is free: the highest class that is due goes, first submitted first; refused ones are skipped.</summary>
    private void StartNext(Step step, DateTimeOffset now)
    {
        while (_current is null)
        {
            var next = _waiting
                .Where(e => e.Arrived || e.Request.StartAt <= now)
                .OrderByDescending(e => e.Request.Class)
                .ThenBy(e => e.Sequence)
                .FirstOrDefault();
            if (next is null)
            {
                return;
            }

            _waiting.Remove(next);
            next.Arrived = true;
            if (IsWindowClosed(next.Request, now))
            {
                Fail(step, next, ArbiterReasons.WindowClosed, now);
            }
            else if (!_quietHoursAdmit(next.Request.Class, next.Request.HasQuietHoursOverride))
            {
                Fail(step, next, ArbiterReasons.QuietHours, now);
            }
            else
            {
                Begin(step, next, now);
            }
        }
    }

    private void Begin(Step step, Entry entry, DateTimeOffset now)
    {
        TimeSpan? from = null;
        if (entry.Request.ResumesFromCutPoint)
        {
            from = entry.CutAt is { } cut ? (cut > ResumeOverlap ? cut - ResumeOverlap : TimeSpan.Zero) : TimeSpan.Zero;
        }

        entry.BegunAt = now;
        entry.BegunFrom = from ?? TimeSpan.Zero;
        _current = entry;
        step.Actions.Add(new BeginPlay(entry.Request.PlayId, from));
        step.Reports.Add(new ArbiterReport(entry.WasPreempted ? PlayReportKind.Resumed : PlayReportKind.Started, entry.Request.PlayId, now));
    }

    private void Fail(Step step, Entry entry, string reason, DateTimeOffset now)
    {
        step.Reports.Add(new ArbiterReport(PlayReportKind.Failed, entry.Request.PlayId, now, Reason: reason));
        Forget(entry);
    }

    private void Forget(Entry entry) => _known.Remove(entry.Request.PlayId);

    private static bool IsWindowClosed(PlayRequest request, DateTimeOffset now) => request.WindowEnd is { } end && end <= now;

    /// <summary>A play the arbiter holds, with where it is in its life.</summary>
    private sealed class Entry(PlayRequest request, long sequence)
    {
        public PlayRequest Request { get; } = request;

        /// <summary>Submission order: the tie-break within a class, kept across a preemption.</summary>
        public long Sequence { get; } = sequence;

        /// <summary>Its start has come and it met the target (it is queued, not merely scheduled).</summary>
        public bool Arrived { get; set; }

        public bool WasPreempted { get; set; }

        public DateTimeOffset BegunAt { get; set; }

        public TimeSpan BegunFrom { get; set; }

        /// <summary>Content position it was cut at (files only).</summary>
        public TimeSpan? CutAt { get; set; }

        public TimeSpan PositionAt(DateTimeOffset now) => now - BegunAt + BegunFrom;
    }

    /// <summary>What one call accumulates.</summary>
    private sealed class Step
    {
        public List<ArbiterAction> Actions { get; } = [];

        public List<ArbiterReport> Reports { get; } = [];

        public ArbiterResult ToResult() => Actions.Count == 0 && Reports.Count == 0 ? ArbiterResult.None : new ArbiterResult(Actions, Reports);
    }
}
