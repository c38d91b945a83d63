using System.Buffers.Text;
using System.Security.Cryptography;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Time;

/// <summary>
/// The node's authenticated view of the Controller's clock: it asks with a fresh random nonce, accepts only a signed
/// reply to its latest request (each nonce once), and estimates from the recent samples the offset and the drift of
/// the node's clock against the Controller's (<see cref="DriftEstimator"/>: samples of low round trip only, as NTP's
/// clock filter; offset-only until enough of them span enough time). Thread-safe.
/// </summary>
internal sealed class ControllerClock
{
    /// <summary>How often a node whose time is trusted asks again (the oscillator drifts; a better sample may come).</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromMinutes(10);

    /// <summary>How often a node whose time is not trusted asks: it refuses every non-emergency command until then.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly DriftEstimator _estimator = new();
    private ClockSyncRequest? _outstanding;
    private ClockEstimate? _estimate;

    /// <summary>
    /// How far the Controller is ahead at the newest sample the estimate rests on (offset-only: the best recent
    /// sample's), or null before the first one. Close enough for command expiry (minutes of tolerance); synchronised
    /// playout asks <see cref="Estimate"/> for the offset at the instant it plays.
    /// </summary>
    public TimeSpan? Offset => Estimate?.OffsetAtReference;

    /// <summary>The current estimate (offset, drift, error bound at any node time), or null before the first sample.</summary>
    public ClockEstimate? Estimate
    {
        get
        {
            lock (_gate)
            {
                return _estimate;
            }
        }
    }

    /// <summary>A new request sent at <paramref name="t1"/> (the node's own clock); it replaces any outstanding one.</summary>
    public ClockSyncRequest NewRequest(DateTimeOffset t1)
    {
        var request = new ClockSyncRequest { Nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), T1 = t1 };
        lock (_gate)
        {
            _outstanding = request;
        }

        return request;
    }

    /// <summary>
    /// Verifies a reply received at <paramref name="t4"/> (the node's own clock) against the outstanding request
    /// and, when genuine, takes its sample; returns null then, or the refusal reason (the clock is left alone).
    /// </summary>
    public string? Accept(ReadOnlyMemory<byte> payload, string nodeId, TrustStore trust, DateTimeOffset t4)
    {
        ClockSyncRequest? request;
        lock (_gate)
        {
            request = _outstanding;
        }

        if (request is null)
        {
            return RefusalReasons.Replayed;
        }

        var (sample, refusal) = ClockSyncCheck.Verify(payload, nodeId, request, trust, t4);
        if (sample is not { } taken)
        {
            return refusal;
        }

        lock (_gate)
        {
            if (!ReferenceEquals(_outstanding, request))
            {
                // A newer request went out meanwhile, or this nonce was already answered: one sample per nonce.
                return RefusalReasons.Replayed;
            }

            _outstanding = null;

            // Taken at the middle of the exchange: on a symmetric path that is when the Controller read its clock.
            _estimator.Add(new ClockObservation(request.T1 + ((t4 - request.T1) / 2), taken));
            _estimate = _estimator.Current;
        }

        return null;
    }
}
