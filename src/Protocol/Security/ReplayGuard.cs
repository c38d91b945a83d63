namespace SmartLoudspeaker.Protocol;

/// <summary>
/// Refuses any command sequence number a node has already accepted. The Controller numbers commands
/// fleet-wide, strictly increasing; a node sees a subset, normally in order. A sliding window (as IPsec's
/// anti-replay) tolerates the reordering MQTT allows between the node, zone and fleet topics: a number up to
/// <see cref="Window"/> below the highest one is accepted once; anything older is refused, since the node can no
/// longer tell whether it saw it. Time plays no part here — that is what makes replay protection work on a node
/// that booted without a clock. Thread-safe.
/// </summary>
public sealed class ReplayGuard
{
    /// <summary>How far below the high-water mark a first-seen number is still accepted.</summary>
    public const long Window = 1024;

    private readonly SortedSet<long> recent;
    private readonly Lock gate = new();
    private long highWater;

    /// <summary>Resumes from persisted state.</summary>
    public ReplayGuard(ReplayState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        highWater = state.HighWater;
        recent = [.. state.Recent.Where(seq => seq > highWater - Window && seq <= highWater)];
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

    /// <summary>The state to persist.</summary>
    public ReplayState State
    {
        get
        {
            lock (gate)
            {
                return new ReplayState(highWater, [.. recent]);
            }
        }
    }

    /// <summary>Accepts <paramref name="seq"/> if it was never accepted and is not too old; false for a replay.</summary>
    public bool TryAccept(long seq)
    {
        lock (gate)
        {
            if (seq <= 0 || seq <= highWater - Window || recent.Contains(seq))
            {
                return false;
            }

            recent.Add(seq);
            if (seq > highWater)
            {
                highWater = seq;
                recent.RemoveWhere(old => old <= highWater - Window);
            }

            return true;
        }
    }
}
