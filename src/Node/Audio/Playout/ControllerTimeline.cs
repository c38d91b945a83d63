namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>
/// Controller-clock instants as 48 kHz sample indices since the Unix epoch. Every node addresses content by these
/// indices, computed with the same exact integer arithmetic, so two nodes that agree on the Controller's time agree on
/// which sample sounds to the sample — a floating-point seconds value would round differently far from the epoch.
/// </summary>
internal static class ControllerTimeline
{
    /// <summary>One sample is 10^7 / 48000 = 625 / 3 ticks (OpusFormat.SampleRate): kept as integers so nothing is lost.</summary>
    private const long TicksNumerator = 625;
    private const long TicksDenominator = 3;

    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>The sample index an instant falls on, rounded to the nearest sample (halves away from minus infinity).</summary>
    public static long ToSample(DateTimeOffset instant) => DivideRounded((instant.UtcTicks - EpochTicks) * TicksDenominator, TicksNumerator);

    /// <summary>The instant of a sample index, rounded to the nearest tick.</summary>
    public static DateTimeOffset ToInstant(long sample) => new(DivideRounded(sample * TicksNumerator, TicksDenominator) + EpochTicks, TimeSpan.Zero);

    /// <summary>A duration as a whole number of samples, rounded to the nearest.</summary>
    public static long ToSamples(TimeSpan duration) => DivideRounded(duration.Ticks * TicksDenominator, TicksNumerator);

    /// <summary>A number of samples as a duration, rounded to the nearest tick.</summary>
    public static TimeSpan ToDuration(long samples) => TimeSpan.FromTicks(DivideRounded(samples * TicksNumerator, TicksDenominator));

    /// <summary>floor(n / d + 1/2) for a positive divisor, correct for negative n too (instants before 1970 in tests).</summary>
    private static long DivideRounded(long n, long d) => (long)Math.Floor((decimal)n / d + 0.5m);
}
