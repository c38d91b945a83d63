using System.Buffers.Text;
using System.Security.Cryptography;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Time;

/// <summary>
/// The node's authenticated view of the Controller's clock: it asks with a fresh random nonce, accepts only a signed
/// reply to its latest request (each nonce once), and estimates from the recent samples the offset and the drift of
/// the node's clock against the Controller's, with an error bound (<see cref="MinDelayClockEstimator"/>). Thread-safe.
/// </summary>
/// <remarks>
/// Two clocks of the node meet here. T1 goes on the wire as wall time (the Controller echoes it, and it reads as a
/// date in a capture); the estimate's x-axis is the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>),
/// expressed as a <see cref="DateTimeOffset"/>: the wall time when this clock was made plus the monotonic time since.
/// So an NTP or RTC step of the node's wall clock, mid-exchange or between samples, is neither a round trip nor a step
/// of the Controller; the Controller's time is read on that same monotonic axis (<see cref="Read"/>). Any asymmetry d of
/// the path's delays puts the estimate d/2 off, unseen by any round-trip method; the error bound covers it.
/// </remarks>
internal sealed class ControllerClock : IControllerTime
{
    private readonly Lock _gate = new();
    private readonly MinDelayClockEstimator _estimator = new();
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _originWall;
    private readonly long _originTimestamp;
    private Outstanding? _outstanding;
    private ClockEstimate? _estimate;

    /// <summary>A clock reading the node's wall and monotonic time from <paramref name="time"/>.</summary>
    public ControllerClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _originWall = time.GetUtcNow();
        _originTimestamp = time.GetTimestamp();
    }

    /// <summary>
    /// How far the Controller's clock is ahead of the node's wall clock now, or null before the first sample. Close
    /// enough for command expiry and the health report (minutes of tolerance); synchronised playout uses
    /// <see cref="Read"/>, which never mixes in the wall clock.
    /// </summary>
    public TimeSpan? Offset => Read() is { } reading ? reading.ControllerNow - _time.GetUtcNow() : null;

    /// <summary>The current estimate (offset, drift, error bound at any monotonic node time), or null before the first sample.</summary>
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

    /// <summary>The node's monotonic clock now, on the axis the estimate uses.</summary>
    public DateTimeOffset MonotonicNow => MonotonicAt(_time.GetTimestamp());

    /// <inheritdoc />
    public ControllerTimeReading? Read()
    {
        var estimate = Estimate;
        if (estimate is null)
        {
            return null;
        }

        var now = MonotonicNow;
        return new ControllerTimeReading(estimate.ControllerNow(now), estimate.ErrorAt(now));
    }

    /// <summary>A new request, sent now (T1 on the node's wall clock); it replaces any outstanding one.</summary>
    public ClockSyncRequest NewRequest()
    {
        var request = new ClockSyncRequest { Nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), T1 = _time.GetUtcNow() };
        var outstanding = new Outstanding(request, _time.GetTimestamp());
        lock (_gate)
        {
            _outstanding = outstanding;
        }

        return request;
    }

    /// <summary>
    /// Verifies a reply received at <paramref name="receivedTimestamp"/> (the node's monotonic clock,
    /// <see cref="TimeProvider.GetTimestamp"/>) against the outstanding request and, when genuine, takes its sample;
    /// returns null then, or the refusal reason (the clock is left alone).
    /// </summary>
    public string? Accept(ReadOnlyMemory<byte> payload, string nodeId, TrustStore trust, long receivedTimestamp)
    {
        Outstanding? outstanding;
        lock (_gate)
        {
            outstanding = _outstanding;
        }

        if (outstanding is null)
        {
            return RefusalReasons.Replayed;
        }

        // t4 as the wall clock would read it had it not been stepped since t1: the round trip is monotonic time.
        var sent = MonotonicAt(outstanding.Timestamp);
        var elapsed = MonotonicAt(receivedTimestamp) - sent;
        var request = outstanding.Request;
        var (sample, refusal) = ClockSyncCheck.Verify(payload, nodeId, request, trust, request.T1 + elapsed);
        if (sample is not { } taken)
        {
            return refusal;
        }

        lock (_gate)
        {
            if (!ReferenceEquals(_outstanding, outstanding))
            {
                // A newer request went out meanwhile, or this nonce was already answered: one sample per nonce.
                return RefusalReasons.Replayed;
            }

            _outstanding = null;

            // Re-based from the wall T1 onto the monotonic axis, and taken at the middle of the exchange: on a
            // symmetric path that is when the Controller read its clock.
            var onMonotonic = taken with { Offset = taken.Offset + (request.T1 - sent) };
            _estimator.Add(new ClockObservation(sent + (elapsed / 2), onMonotonic));
            _estimate = _estimator.Current;
        }

        return null;
    }

    private DateTimeOffset MonotonicAt(long timestamp) => _originWall + _time.GetElapsedTime(_originTimestamp, timestamp);

    private sealed record Outstanding(ClockSyncRequest Request, long Timestamp);
}
