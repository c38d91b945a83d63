namespace SmartLoudspeaker.EndToEnd.Tests.Tls;

/// <summary>
/// A node's wrong clock: it runs at the right rate (timers and round trips are real) but reads <paramref name="shift"/>
/// away from the true time, as after a boot with a flat RTC battery or a bad manual setting.
/// </summary>
internal sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
