namespace SmartLoudspeaker.Node.Control;

/// <summary>
/// Limits reports (security events, warnings) to one per key per interval, counting what it held back, so a flood of
/// forged commands costs a handful of events on a metered 4G link instead of thousands, and still says how big it was.
/// Not thread-safe: the command worker owns it.
/// </summary>
/// <param name="interval">Shortest time between two reports with the same key.</param>
internal sealed class RefusalThrottle(TimeSpan interval)
{
    private readonly Dictionary<string, (DateTimeOffset Last, long Suppressed)> _byKey = new(StringComparer.Ordinal);

    /// <summary>
    /// Records one occurrence of <paramref name="key"/> at <paramref name="now"/>. Returns null when it must not be
    /// reported; otherwise how many occurrences were held back since the previous report.
    /// </summary>
    public long? Admit(string key, DateTimeOffset now)
    {
        if (_byKey.TryGetValue(key, out var entry) && now - entry.Last < interval && now >= entry.Last)
        {
            _byKey[key] = (entry.Last, entry.Suppressed + 1);
            return null;
        }

        _byKey[key] = (now, 0);
        return entry.Suppressed;
    }
}
