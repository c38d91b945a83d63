namespace SmartLoudspeaker.Protocol.Security;

/// <summary>What a node must persist about accepted command sequence numbers, before it acts on a command.</summary>
/// <param name="HighWater">Highest sequence number accepted so far (0: none).</param>
/// <param name="Floor">Every number at or below this is refused, seen or not (0: only non-positive ones).</param>
/// <param name="Recent">Accepted sequence numbers above <paramref name="Floor"/> (at most <see cref="ReplayGuard.Capacity"/>).</param>
public sealed record ReplayState(long HighWater, long Floor, IReadOnlyList<long> Recent)
{
    /// <summary>A node that has never accepted a command.</summary>
    public static ReplayState Empty { get; } = new(0, 0, []);
}
