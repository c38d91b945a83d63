namespace SmartLoudspeaker.Protocol.Security;

/// <summary>
/// Refuses any command sequence number a node has already accepted, and accepts once every genuine number it has not
/// seen that is above its floor (docs/security.md, "Replay, across crashes"). The Controller numbers commands
/// fleet-wide with numbers that are Unix time in microseconds at the least, but they reach a node out of order: the
/// Controller signs and publishes concurrently, and the node's, its zone's and the fleet's topics are separate queues
/// on the way. So the guard remembers every number it accepted above a floor, and the floor trails the high-water
/// mark by <see cref="Window"/> (ten minutes of the Controller's numbering). Memory is bounded by
/// <see cref="Capacity"/>: when that many numbers are remembered, the oldest is forgotten by raising the floor to it,
/// so what is forgotten is refused as too old, never accepted again. Time plays no part here — that is what makes
/// replay protection work on a node that booted without a clock. Thread-safe.
/// </summary>
public sealed class ReplayGuard
{
    /// <summary>
    /// How far below the high-water mark an unseen number is still accepted, in sequence units: ten minutes of
    /// microseconds. Covers the default command lifetime (5 min) plus twice the clock skew a node allows (2 min each
    /// way). A command with a longer lifetime (up to 24 h) can still pass the expiry check after its number fell below
    /// the window: it is answered "too-old", never obeyed, and the Controller resends it with a new number. So the
    /// window bounds only how much reordering is absorbed, not safety: a resend is recognised by its command id, which
    /// the node keeps until the command expires (OutcomeCache on the node).
    /// </summary>
    public const long Window = 10L * 60 * 1_000_000;

    /// <summary>
    /// Accepted numbers remembered at most: far more than a node accepts within <see cref="Window"/> (the scheduler's
    /// pushes, emergency staff, CAP alerts and every resend at once), yet a few hundred kilobytes of memory and at
    /// most about 70 kB on disk.
    /// </summary>
    public const int Capacity = 4096;

    private readonly SortedSet<long> recent;
    private readonly Lock gate = new();
    private long highWater;
    private long floor;

    /// <summary>Resumes from persisted state.</summary>
    public ReplayGuard(ReplayState state)
    {
        ArgumentNullException.ThrowIfNull(state);

        // A remembered number above the stated high-water mark (a state not written by this class) still counts: dropping
        // it would make it acceptable again.
        highWater = Math.Max(state.HighWater, state.Recent.DefaultIfEmpty().Max());
        floor = Math.Max(state.Floor, highWater - Window);
        recent = [.. state.Recent.Where(seq => seq > floor)];
        while (recent.Count > Capacity)
        {
            ForgetOldest();
        }
    }

    /// <summary>Highest accepted sequence number.</summary>
    public long HighWater
    {
        get
        {
            lock (gate)
            {
                return highWater;
            }
        }
    }

    /// <summary>Every number at or below this is refused as too old.</summary>
    public long Floor
    {
        get
        {
            lock (gate)
            {
                return floor;
            }
        }
    }

    /// <summary>The state to persist.</summary>
    public ReplayState State
    {
        get
        {
            lock (gate)
            {
                return new ReplayState(highWater, floor, [.. recent]);
            }
        }
    }

    /// <summary>Accepts <paramref name="seq"/> if it was never accepted and is above the floor; otherwise says why not.</summary>
    public ReplayDecision Admit(long seq)
    {
        lock (gate)
        {
            if (seq <= floor || seq <= 0)
            {
                return ReplayDecision.TooOld;
            }

            if (!recent.Add(seq))
            {
                return ReplayDecision.Seen;
            }

            if (recent.Count > Capacity && ForgetOldest() == seq)
            {
                // Full, and this is the oldest number of all: remembering it would mean forgetting a newer one.
                return ReplayDecision.TooOld;
            }

            if (seq > highWater)
            {
                highWater = seq;
                if (highWater - Window > floor)
                {
                    floor = highWater - Window;
                    recent.RemoveWhere(old => old <= floor);
                }
            }

            return ReplayDecision.Accepted;
        }
    }

    /// <summary>Drops the smallest remembered number and raises the floor to it, so it stays refused.</summary>
    private long ForgetOldest()
    {
        var oldest = recent.Min;
        recent.Remove(oldest);
        floor = oldest;
        return oldest;
    }
}
