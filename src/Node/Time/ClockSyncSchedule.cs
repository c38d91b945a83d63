namespace SmartLoudspeaker.Node.Time;

/// <summary>
/// How long the node waits before its next clock-sync request: fast while the estimate is young (after boot, or after
/// a step of the clocks) or its error bound is above target, slow once settled, so the bound is earned in minutes and
/// then kept for a few requests a minute.
/// </summary>
/// <remarks>
/// Traffic once settled (measured in ClockSyncTrafficTests): a request is 110 bytes as an MQTT 5 PUBLISH at QoS 0
/// (version, nonce, T1, topic) and a signed reply 310 (kid, node id, nonce, three timestamps, signature), 420 bytes
/// an exchange; at one every <see cref="SettledInterval"/> (a quiet path) that is 1,440 a day, about 590 KiB, and at
/// <see cref="SlowInterval"/> (a jittery one) about 1.2 MiB; TLS and TCP/IP add some 60–100 bytes a packet on top.
/// The start-up phase (<see cref="FastInterval"/> for two to ten minutes) costs about as much as an hour settled.
/// </remarks>
internal static class ClockSyncSchedule
{
    /// <summary>While the estimate is young or its bound above target: enough samples within minutes for the min-delay filter.</summary>
    public static readonly TimeSpan FastInterval = TimeSpan.FromSeconds(1);

    /// <summary>Settled, but the bound would pass its target (1 ms beyond half the best round trip) within <see cref="SettledInterval"/>: a jittery path.</summary>
    public static readonly TimeSpan SlowInterval = TimeSpan.FromSeconds(30);

    /// <summary>Settled, and the bound stays within its target until the next sample: a quiet path.</summary>
    public static readonly TimeSpan SettledInterval = TimeSpan.FromSeconds(60);

    /// <summary>No sample yet (no reply, or none genuine): the node refuses every non-emergency command until then, but a silent Controller is not hammered.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    /// <summary>Requests in a row without a sample after which the node waits <see cref="RetryInterval"/>: a silent Controller is not asked every second.</summary>
    public const int MaxUnanswered = 3;

    /// <summary>Samples since boot or a step before the node may slow down: two minutes at the fast rate.</summary>
    public const int MinSamplesToSettle = 120;

    /// <summary>Samples since boot or a step after which the node slows down whatever its bound: a poor path cannot hold it at the fast rate.</summary>
    public const int MaxFastSamples = 600;

    /// <summary>What the drift's uncertainty may add to the bound between two settled samples; also the bound's target beyond half the best round trip.</summary>
    public static readonly TimeSpan TargetError = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The wait before the next request, given the current estimate (null before the first sample) and the wait before
    /// the last one (zero at connect). Pure. Leaving the fast rate takes <see cref="MinSamplesToSettle"/> samples since
    /// boot or the last step and a drift known well enough that over <see cref="SettledInterval"/> its uncertainty adds
    /// at most <see cref="TargetError"/> to the bound, which then stays within 1 ms of half the best round trip (or
    /// <see cref="MaxFastSamples"/> samples, whatever the bound: a poor path cannot hold the node at the fast rate).
    /// Once slow, only a step (which restarts the sample count) brings back the fast rate: a bound that widens between
    /// slow samples is what slow sampling means, not a reason to burst. After <see cref="MaxUnanswered"/> requests in a
    /// row brought no sample (no reply, or none genuine), it waits <see cref="RetryInterval"/>.
    /// </summary>
    public static TimeSpan NextInterval(ClockEstimate? estimate, TimeSpan previous, int unanswered = 0)
    {
        if (estimate is null || unanswered >= MaxUnanswered)
        {
            return RetryInterval > previous ? RetryInterval : previous;
        }

        var young = estimate.Samples < MinSamplesToSettle || !estimate.HasDrift;
        var wasSlow = previous >= SlowInterval && estimate.Samples > 1;
        if (young || (!wasSlow && estimate.Samples < MaxFastSamples && DriftShare(estimate, SettledInterval) > TargetError))
        {
            return estimate.Samples < MaxFastSamples ? FastInterval : SlowInterval;
        }

        // The slower rate only where the whole bound stays within target: on a jittery path the min-delay filter needs
        // the samples more than a LAN does.
        var target = TargetError + (estimate.BestRoundTrip / 2);
        return estimate.ErrorAt(estimate.Reference + SettledInterval) <= target ? SettledInterval : SlowInterval;
    }

    private static TimeSpan DriftShare(ClockEstimate estimate, TimeSpan ahead) =>
        estimate.ErrorAt(estimate.Reference + ahead) - estimate.BaseError;
}
