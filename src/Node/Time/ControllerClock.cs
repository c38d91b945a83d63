using System.Buffers.Text;
using System.Security.Cryptography;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node;

/// <summary>
/// The node's authenticated view of the Controller's clock: it asks with a fresh random nonce, accepts only a signed
/// reply to its latest request (each nonce once), and keeps the offset of the best of the recent samples, the one
/// with the lowest round trip (least queueing, so least asymmetry error), as NTP's clock filter does. Thread-safe.
/// </summary>
internal sealed class ControllerClock
{
    /// <summary>How often a node whose time is trusted asks again (the oscillator drifts; a better sample may come).</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromMinutes(10);

    /// <summary>How often a node whose time is not trusted asks: it refuses every non-emergency command until then.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    /// <summary>Samples kept: at one every 10 minutes, the last hour or so.</summary>
    public const int MaxSamples = 6;

    private readonly Lock _gate = new();
    private readonly Queue<ClockSyncSample> _samples = new();
    private ClockSyncRequest? _outstanding;
    private ClockSyncSample? _best;

    /// <summary>Offset of the best recent sample (how far the Controller is ahead), or null before the first one.</summary>
    public TimeSpan? Offset
    {
        get
        {
            lock (_gate)
            {
                return _best?.Offset;
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
            _samples.Enqueue(taken);
            if (_samples.Count > MaxSamples)
            {
                _samples.Dequeue();
            }

            _best = _samples.MinBy(s => s.RoundTrip);
        }

        return null;
    }
}
