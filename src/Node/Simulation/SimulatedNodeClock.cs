namespace SmartLoudspeaker.Node.Simulation;

/// <summary>
/// A simulated node's own clock: the true clock (the host's, or a fake in tests) read through a fixed offset and a
/// crystal that runs fast or slow. Synchronised playout is judged against the true clock, so the simulation needs
/// nodes whose clocks are wrong the way a Pi's are — set a few seconds off at boot and drifting by tens of ppm — while
/// it still knows the real instant behind every node reading (<see cref="ToTrueTime"/>).
/// </summary>
/// <remarks>
/// Anchored at construction: node time at the anchor is the true anchor plus <see cref="Offset"/>; thereafter node
/// elapsed time is true elapsed time × (1 + <see cref="DriftPpm"/>·10⁻⁶). Timestamps and timers follow the same
/// crystal, so a device paced by this clock (the virtual DAC) consumes samples at the node's rate, as a real DAC
/// clocked from the board's oscillator does.
/// </remarks>
internal sealed class SimulatedNodeClock : TimeProvider
{
    /// <summary>Largest offset accepted: a Pi without a real-time clock that got NTP once is within seconds.</summary>
    public static readonly TimeSpan MaxOffset = TimeSpan.FromSeconds(5);

    /// <summary>Largest drift accepted, in ppm: cheap crystals are tens of ppm; ±500 covers broken ones with margin.</summary>
    public const double MaxDriftPpm = 500;

    private readonly TimeProvider _trueTime;
    private readonly DateTimeOffset _trueAnchor;
    private readonly long _trueTimestampAnchor;

    /// <summary>Drift as a fraction (ppm·10⁻⁶): node elapsed = true elapsed + true elapsed × this.</summary>
    private readonly double _drift;

    /// <summary>A node clock over <paramref name="trueTime"/>, anchored now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset or the drift is outside the accepted range.</exception>
    public SimulatedNodeClock(TimeProvider trueTime, TimeSpan offset, double driftPpm)
    {
        ArgumentNullException.ThrowIfNull(trueTime);
        if (offset < -MaxOffset || offset > MaxOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The offset must be within ±{MaxOffset.TotalSeconds} s.");
        }

        if (!double.IsFinite(driftPpm) || Math.Abs(driftPpm) > MaxDriftPpm)
        {
            throw new ArgumentOutOfRangeException(nameof(driftPpm), driftPpm, $"The drift must be within ±{MaxDriftPpm} ppm.");
        }

        _trueTime = trueTime;
        Offset = offset;
        DriftPpm = driftPpm;
        _drift = driftPpm * 1e-6;
        _trueAnchor = trueTime.GetUtcNow();
        _trueTimestampAnchor = trueTime.GetTimestamp();
    }

    /// <summary>The true clock this one is read from.</summary>
    public TimeProvider TrueTime => _trueTime;

    /// <summary>How far the node's clock was ahead of true time at the anchor.</summary>
    public TimeSpan Offset { get; }

    /// <summary>How fast the node's crystal runs, in ppm (positive: fast).</summary>
    public double DriftPpm { get; }

    /// <summary>The node's reading now.</summary>
    public override DateTimeOffset GetUtcNow() => ToNodeTime(_trueTime.GetUtcNow());

    /// <summary>Same frequency as the true clock's timestamps; the node's timestamps advance at the node's rate.</summary>
    public override long TimestampFrequency => _trueTime.TimestampFrequency;

    /// <summary>Monotonic: the true timestamp's elapsed count since the anchor, scaled by the crystal's rate.</summary>
    public override long GetTimestamp()
    {
        var elapsed = _trueTime.GetTimestamp() - _trueTimestampAnchor;
        return _trueTimestampAnchor + elapsed + (long)Math.Round(elapsed * _drift);
    }

    /// <summary>
    /// A timer due in node time: it fires after dueTime/(1 + drift) of true time (rounded up, so it never fires early
    /// on the node's clock); the period is converted the same way, and so is every <see cref="ITimer.Change"/>.
    /// </summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new ScaledTimer(this, _trueTime.CreateTimer(callback, state, ToTrueSpan(dueTime), ToTrueSpan(period)));
    }

    /// <summary>The true instant at which the node's clock reads <paramref name="nodeTime"/>.</summary>
    public DateTimeOffset ToTrueTime(DateTimeOffset nodeTime)
    {
        var nodeElapsed = (nodeTime - _trueAnchor - Offset).Ticks;
        var trueElapsed = nodeElapsed - (long)Math.Round(nodeElapsed * (_drift / (1 + _drift)));
        return _trueAnchor.AddTicks(trueElapsed);
    }

    /// <summary>What the node's clock reads at the true instant <paramref name="trueTime"/>.</summary>
    public DateTimeOffset ToNodeTime(DateTimeOffset trueTime)
    {
        var trueElapsed = (trueTime - _trueAnchor).Ticks;
        return (_trueAnchor + Offset).AddTicks(trueElapsed + (long)Math.Round(trueElapsed * _drift));
    }

    /// <summary>
    /// A node-time span as true time; infinite and zero pass through, negatives are left for the inner timer to refuse.
    /// </summary>
    private TimeSpan ToTrueSpan(TimeSpan nodeSpan)
    {
        if (nodeSpan <= TimeSpan.Zero)
        {
            return nodeSpan;
        }

        return TimeSpan.FromTicks((long)Math.Ceiling(nodeSpan.Ticks / (1 + _drift)));
    }

    /// <summary>The inner provider's timer, with every due time and period converted from node to true time.</summary>
    private sealed class ScaledTimer(SimulatedNodeClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.ToTrueSpan(dueTime), clock.ToTrueSpan(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
