namespace SmartLoudspeaker.Protocol;

/// <summary>What a node must persist about accepted command sequence numbers, before it acts on a command.</summary>
/// <param name="HighWater">Highest sequence number accepted so far (0: none).</param>
/// <param name="Recent">Accepted sequence numbers within <see cref="ReplayGuard.Window"/> below the high-water mark.</param>
public sealed record ReplayState(long HighWater, IReadOnlyList<long> Recent)
{
    /// <summary>A node that has never accepted a command.</summary>
    public static ReplayState Empty { get; } = new(0, []);
}
