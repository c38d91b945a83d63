namespace SmartLoudspeaker.Node.Time;

/// <summary>
/// How long the node waits before its next clock-sync request: fast while the estimate is young (after boot, or after
/// a step of the clocks) or its error bound is above target, slow once settled, so the bound is earned in minutes and
/// then kept for a few requests a minute.
/// </summary>
/// <remarks>
/// Traffic once settled: a request is about 120 bytes of JSON (version, nonce, T1) and a signed reply about 400
/// (kid, node id, nonce, three timestamps, signature), plus MQTT framing, about 600 bytes an exchange in all; at one
/// every <see cref="SettledInterval"/> that is 1,440 exchanges, under 1 MB a day, and twice that at
/// <see cref="SlowInterval"/>. The start-up phase (<see cref="FastInterval"/> for a few minutes) costs about as much
/// as an hour settled.
/// </remarks>
internal static class ClockSyncSchedule
{
    /// <summary>While the estimate is young or its bound above target: enough samples within minutes for the min-delay filter.</summary>
    public static readonly TimeSpan FastInterval = TimeSpan.FromSeconds(1);

    /// <summary>Settled, but the drift's uncertainty would take the bound above target within <see cref="SettledInterval"/>.</summary>
    public static readonly TimeSpan SlowInterval = TimeSpan.FromSeconds(30);

    /// <summary>Settled: the bound stays within target until the next sample.</summary>
    public static readonly TimeSpan SettledInterval = TimeSpan.FromSeconds(60);

    /// <summary>No sample yet (no reply, or none genuine): the node refuses every non-emergency command until then, but a silent Controller is not hammered.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    /// <summary>Samples since boot or a step before the node may slow down: two minutes at the fast rate.</summary>
    public const int MinSamplesToSettle = 120;

    /// <summary>Samples since boot or a step after which the node slows down whatever its bound: a poor path cannot hold it at the fast rate.</summary>
    public const int MaxFastSamples = 600;

    /// <summary>The error the settled bound must stay within, beyond half the best round trip (which no sampling rate improves).</summary>
    public static readonly TimeSpan TargetError = TimeSpan.FromMilliseconds(1);

    /// <summary>The wait before the next request, given the current estimate (null before the first sample). Pure.</summary>
    public static TimeSpan NextInterval(ClockEstimate? estimate)
    {
        if (estimate is null)
        {
            return RetryInterval;
        }

        var young = estimate.Samples < MinSamplesToSettle || !estimate.HasDrift;
        if (young && estimate.Samples < MaxFastSamples)
        {
            return FastInterval;
        }

        var target = TargetError + (estimate.BestRoundTrip / 2);
        if (estimate.ErrorAt(estimate.Reference + SettledInterval) <= target)
        {
            return SettledInterval;
        }

        return estimate.ErrorAt(estimate.Reference + SlowInterval) <= target || estimate.Samples >= MaxFastSamples ? SlowInterval : FastInterval;
    }
}
