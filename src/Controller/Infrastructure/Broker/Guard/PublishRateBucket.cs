namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>
/// A token bucket on the injected clock: full at <c>burst</c> tokens, refilled at <c>perSecond</c>, one token per
/// publish. One per connection; used by that connection's reads only, so it needs no lock.
/// </summary>
internal sealed class PublishRateBucket
{
    private readonly TimeProvider _clock;
    private readonly double _perSecond;
    private readonly int _burst;
    private double _tokens;
    private long _refilledAt;

    /// <summary>A full bucket.</summary>
    public PublishRateBucket(TimeProvider clock, double perSecond, int burst)
    {
        _clock = clock;
        _perSecond = perSecond;
        _burst = burst;
        _tokens = burst;
        _refilledAt = clock.GetTimestamp();
    }

    /// <summary>Takes a token; false when the bucket is empty.</summary>
    public bool TryTake()
    {
        var now = _clock.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + (_clock.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond));
        _refilledAt = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
