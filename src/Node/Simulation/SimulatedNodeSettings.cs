using SmartLoudspeaker.Node.Configuration;

namespace SmartLoudspeaker.Node.Simulation;

/// <summary>
/// How wrong simulated node n's clock is: its offset from true time at start and its crystal's drift, drawn within
/// <see cref="SimulationOptions.ClockOffsetSpread"/> and <see cref="SimulationOptions.ClockDriftSpreadPpm"/> from
/// <see cref="SimulationOptions.Seed"/>. Tests, the demo and the benchmarks all build their nodes from this, so a
/// seed names one fleet of clocks everywhere.
/// </summary>
/// <param name="ClockOffset">How far ahead of true time (negative: behind) the node's clock starts.</param>
/// <param name="ClockDriftPpm">How fast (negative: slow) the node's crystal runs, in ppm.</param>
internal sealed record SimulatedNodeSettings(TimeSpan ClockOffset, double ClockDriftPpm)
{
    /// <summary>
    /// Node <paramref name="number"/>'s (1-based) clock. A pure function of the seed and the number alone — not of the
    /// fleet size or of which nodes were built before — so node 3 has the same clock in a fleet of 4 and of 400.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is below 1.</exception>
    public static SimulatedNodeSettings For(SimulationOptions simulation, int number)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);

        // Two independent draws per node: the offset and the drift of one node must not be tied to each other.
        var offsetUnit = UnitDraw(simulation.Seed, number, stream: 0);
        var driftUnit = UnitDraw(simulation.Seed, number, stream: 1);

        // |unit| <= 1, so the products never leave ±spread (rounding to nearest cannot pass a representable bound).
        var offset = TimeSpan.FromTicks((long)Math.Round(simulation.ClockOffsetSpread.Ticks * offsetUnit));
        var drift = simulation.ClockDriftSpreadPpm * driftUnit;
        return new SimulatedNodeSettings(offset, drift);
    }

    /// <summary>
    /// A value uniform over [−1, 1) from (seed, number, stream): the SplitMix64 finaliser over the three packed into
    /// 64 bits. Hand-rolled, not <see cref="Random"/>: its seeded sequence is not promised stable across .NET releases.
    /// </summary>
    private static double UnitDraw(int seed, int number, int stream)
    {
        var state = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)number << 1) ^ (uint)stream;
        state += 0x9E3779B97F4A7C15UL;
        state = (state ^ (state >> 30)) * 0xBF58476D1CE4E5B9UL;
        state = (state ^ (state >> 27)) * 0x94D049BB133111EBUL;
        state ^= state >> 31;

        // The top 53 bits as a fraction in [0, 1), exactly representable as a double.
        var fraction = (state >> 11) * (1.0 / (1UL << 53));
        return (2 * fraction) - 1;
    }
}
