using SmartLoudspeaker.Node.Control;

namespace SmartLoudspeaker.Node.Tests;

public sealed class RefusalThrottleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reports_once_per_key_per_interval_then_says_how_many_were_held_back()
    {
        var throttle = new RefusalThrottle(TimeSpan.FromMinutes(1));

        Assert.Equal(0, throttle.Admit("bad-signature", T0));
        Assert.Null(throttle.Admit("bad-signature", T0.AddSeconds(1)));
        Assert.Null(throttle.Admit("bad-signature", T0.AddSeconds(59)));
        Assert.Equal(0, throttle.Admit("replayed", T0.AddSeconds(30)));
        Assert.Equal(2, throttle.Admit("bad-signature", T0.AddMinutes(1)));
        Assert.Null(throttle.Admit("bad-signature", T0.AddMinutes(1.5)));
    }

    [Fact]
    public void A_clock_stepped_backwards_does_not_silence_reports_for_ever()
    {
        var throttle = new RefusalThrottle(TimeSpan.FromMinutes(1));
        Assert.Equal(0, throttle.Admit("expired", T0));
        Assert.Equal(0, throttle.Admit("expired", T0.AddHours(-1)));
    }
}
