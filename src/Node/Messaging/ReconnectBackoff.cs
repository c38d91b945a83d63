namespace SmartLoudspeaker.Node.Messaging;

/// <summary>
/// When a node that lost its broker (or failed to reach one) tries again: a random phase, then a fixed lattice.
/// </summary>
/// <remarks>
/// <para>
/// The requirement: when the broker returns after an outage of <em>any</em> length, at most a tenth of the fleet
/// reconnects in any one second, and all of it is back within 60 s. Full jitter (uniform in [0, min(cap, base·2^k)]
/// after each failure) does not give that: after three failures the window is 8 s, so a 10 s outage brings the
/// fleet back within about 8 s, an eighth of it per second; and even at the cap, the renewal density of uniform
/// [0, W] delays peaks at e/W (about 9 % a second for W = 30 s) before it settles at 2/W.
/// </para>
/// <para>
/// The schedule here: attempt 0 comes after a delay φ drawn once, uniform in [0, W) (W = the window, 25 s by
/// default); attempt k ≥ 1 comes exactly min(cap, W·2^(k−1)) after attempt k−1 was <em>due</em> (not after it
/// ended). Every gap is at least W, so each node's attempt times t_k = φ + T_k sit in disjoint intervals
/// [T_k, T_k + W) of the timeline of the loss, one attempt per interval, each uniform over its interval. The density
/// of a node's attempts at any instant is therefore at most 1/W, for all t: the fleet of N nodes that lost the
/// broker together makes at most N/W attempts per second in expectation, during the outage and after it, whatever
/// the outage length. A node reconnects at its first attempt after the return, so reconnections are bounded by
/// the same density, and every node is back within the largest gap (the cap, 30 s) of the return.
/// </para>
/// <para>
/// Numbers, W = 25 s, cap 30 s: expected share per second ≤ 1/25 = 4 % of the fleet. For N = 300 that is 12 nodes
/// a second against a limit of 30; the count in one second is binomial (σ ≈ 3.4), so 30 is 5.3σ away and the
/// chance that any of the ~30 seconds of a return exceeds it is below 10⁻⁴. For N = 3,000: 120 a second, σ ≈ 11,
/// limit 300. All are back ≤ 30 s after the return (plus the connect itself). For fleets under ~100 nodes the
/// limit is a few nodes a second and is met only on average (random phases can put three nodes in one second).
/// The cost: a node that alone lost its link (a 4G blip) waits W/2 = 12.5 s on average before its first retry,
/// well inside the controller's 75 s offline rule. A node that has never connected (boot) tries at once, and
/// enters this schedule only if that first attempt fails.
/// </para>
/// </remarks>
public static class ReconnectBackoff
{
    /// <summary>Beyond this many doublings the gap is the cap anyway; stops 2^k from overflowing.</summary>
    private const int MaxDoublings = 30;

    /// <summary>
    /// The time from attempt <paramref name="attempt"/> − 1 being due to attempt <paramref name="attempt"/> being due
    /// (attempt ≥ 1): min(cap, window × 2^(attempt − 1)), never below the window.
    /// </summary>
    public static TimeSpan Gap(int attempt, TimeSpan window, TimeSpan cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        if (window <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var gapTicks = window.Ticks * Math.Pow(2, Math.Min(attempt - 1, MaxDoublings));
        return gapTicks >= cap.Ticks ? TimeSpan.FromTicks(Math.Max(cap.Ticks, window.Ticks)) : TimeSpan.FromTicks((long)gapTicks);
    }

    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> counted from when the previous one was due; attempt 0 is
    /// counted from the loss (or the failed first connect) and is uniformly random in [0, window).
    /// </summary>
    public static TimeSpan Delay(int attempt, TimeSpan window, TimeSpan cap, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        if (attempt > 0)
        {
            return Gap(attempt, window, cap);
        }

#pragma warning disable CA5394 // Spreading reconnects, not security.
        return window <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks((long)(window.Ticks * random.NextDouble()));
#pragma warning restore CA5394
    }
}
