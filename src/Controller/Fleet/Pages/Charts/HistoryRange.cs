namespace SmartLoudspeaker.Controller.Fleet.Pages.Charts;

/// <summary>
/// A span of health history the node page can show, chosen by <c>?range=</c>. Short spans are drawn from the raw
/// reports (kept 48 h, docs/storage.md); long ones from the hourly aggregates (kept 400 days), which is all there is
/// that far back and is already one point per hour, the most a phone-wide chart can show over days.
/// </summary>
/// <param name="Key">The query-string value, also the resource suffix of its name (Range.6h …).</param>
/// <param name="Span">How far back from now.</param>
/// <param name="Hourly">Drawn from the hourly aggregates rather than raw reports.</param>
/// <param name="TickStep">Distance between time labels on the commune's clock.</param>
internal sealed record HistoryRange(string Key, TimeSpan Span, bool Hourly, TimeSpan TickStep)
{
    public static readonly HistoryRange SixHours = new("6h", TimeSpan.FromHours(6), Hourly: false, TimeSpan.FromHours(2));

    public static readonly HistoryRange Day = new("24h", TimeSpan.FromHours(24), Hourly: false, TimeSpan.FromHours(6));

    public static readonly HistoryRange Week = new("7d", TimeSpan.FromDays(7), Hourly: true, TimeSpan.FromDays(2));

    public static readonly HistoryRange Month = new("30d", TimeSpan.FromDays(30), Hourly: true, TimeSpan.FromDays(7));

    /// <summary>In the order the switch shows them.</summary>
    public static IReadOnlyList<HistoryRange> All { get; } = [SixHours, Day, Week, Month];

    /// <summary>A day: long enough to see the night and the day, short enough to use the raw reports.</summary>
    public static HistoryRange Default => Day;

    /// <summary>The range named <paramref name="key"/> (exactly, as the switch writes it); null for anything else.</summary>
    public static HistoryRange? Find(string? key) => All.FirstOrDefault(range => string.Equals(range.Key, key, StringComparison.Ordinal));
}
