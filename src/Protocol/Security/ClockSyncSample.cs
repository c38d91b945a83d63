namespace SmartLoudspeaker.Protocol.Security;

/// <summary>One authenticated clock-sync exchange, NTP style.</summary>
/// <param name="Offset">How far the Controller's clock is ahead of the node's.</param>
/// <param name="RoundTrip">Network round trip, excluding the Controller's processing.</param>
public readonly record struct ClockSyncSample(TimeSpan Offset, TimeSpan RoundTrip)
{
    /// <summary>Offset and round trip from the four timestamps (t1, t4 on the node's clock; t2, t3 on the Controller's).</summary>
    public static ClockSyncSample From(DateTimeOffset t1, DateTimeOffset t2, DateTimeOffset t3, DateTimeOffset t4) =>
        new(((t2 - t1) + (t3 - t4)) / 2, (t4 - t1) - (t3 - t2));
}
