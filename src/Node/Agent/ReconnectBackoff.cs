namespace SmartLoudspeaker.Node;

/// <summary>
/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): a fleet that lost
/// its broker at the same instant spreads its reconnects over the whole window instead of arriving in waves.
/// </summary>
public static class ReconnectBackoff
{
    /// <summary>Beyond this many doublings the ceiling is the cap anyway; stops 2^attempt from overflowing.</summary>
    private const int MaxDoublings = 30;

    /// <summary>The ceiling for <paramref name="attempt"/>: min(cap, base × 2^attempt).</summary>
    public static TimeSpan Ceiling(int attempt, TimeSpan backoffBase, TimeSpan cap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        if (backoffBase <= TimeSpan.Zero || cap <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var ceilingTicks = backoffBase.Ticks * Math.Pow(2, Math.Min(attempt, MaxDoublings));
        return ceilingTicks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ceilingTicks);
    }

    /// <summary>
    /// The delay before reconnect attempt <paramref name="attempt"/> (0 for the first retry):
    /// uniformly random in [0, min(cap, base × 2^attempt)).
    /// </summary>
    public static TimeSpan Delay(int attempt, TimeSpan backoffBase, TimeSpan cap, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var ceiling = Ceiling(attempt, backoffBase, cap);
        return TimeSpan.FromTicks((long)(ceiling.Ticks * random.NextDouble()));
    }
}
