using System.Globalization;

namespace SmartLoudspeaker.Controller.Audit;

/// <summary>
/// Which audit entries a reader wants: a time range (default the last 7 days), an exact actor, an action prefix
/// (<c>account.</c>), an outcome, text inside the target, at most <see cref="Limit"/> entries, older than the entry
/// <see cref="Before"/> (the next page). The API, the CSV export and the page read the same query string.
/// </summary>
internal sealed record AuditFilter(
    DateTimeOffset From,
    DateTimeOffset To,
    string? Actor = null,
    string? Action = null,
    AuditOutcome? Outcome = null,
    string? Target = null,
    int Limit = AuditFilter.DefaultLimit,
    string? Before = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(7);
    private const int MaxTextLength = 200;

    /// <summary>
    /// Reads the query parameters <c>from</c>, <c>to</c> (an ISO 8601 instant, or a date: that day in
    /// <paramref name="zone"/>, <c>to</c> including it), <c>actor</c>, <c>action</c>, <c>outcome</c>
    /// (succeeded, refused), <c>target</c>, <c>limit</c> (1–1000) and <c>before</c>. Null with the reason in
    /// <paramref name="problem"/> when one is not understood.
    /// </summary>
    public static AuditFilter? Parse(IQueryCollection query, DateTimeOffset now, TimeZoneInfo zone, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(zone);
        problem = null;
        // Without 'to', up to now and including it ('to' is exclusive).
        var to = Text(query, "to") is { } toText ? Instant(toText, zone, endOfDay: true) : now.AddTicks(1);
        if (to is null)
        {
            problem = "'to' must be an ISO 8601 instant or a date (yyyy-MM-dd).";
            return null;
        }

        var from = Text(query, "from") is { } fromText ? Instant(fromText, zone, endOfDay: false) : to.Value - DefaultRange;
        if (from is null || from > to)
        {
            problem = "'from' must be an ISO 8601 instant or a date (yyyy-MM-dd), not after 'to'.";
            return null;
        }

        var limit = DefaultLimit;
        if (Text(query, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = $"'limit' must be a whole number 1–{MaxLimit}.";
            return null;
        }

        AuditOutcome? outcome = null;
        if (Text(query, "outcome") is { } outcomeText)
        {
            if (!Enum.TryParse<AuditOutcome>(outcomeText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || outcomeText.Any(char.IsDigit))
            {
                problem = "'outcome' is 'succeeded' or 'refused'.";
                return null;
            }

            outcome = parsed;
        }

        // Action names are dotted lower-case words (AuditActions): a prefix of anything else finds nothing, and the
        // store's LIKE must not read a wildcard in it.
        var action = Text(query, "action");
        if (action is not null && !action.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
        {
            problem = "'action' is the start of an action name: lower-case letters, digits, '.' and '-'.";
            return null;
        }

        var (actor, target, before) = (Text(query, "actor"), Text(query, "target"), Text(query, "before"));
        if (actor?.Length > MaxTextLength || target?.Length > MaxTextLength || before?.Length > 64)
        {
            problem = $"'actor' and 'target' are at most {MaxTextLength} characters, 'before' an entry id.";
            return null;
        }

        return new AuditFilter(from.Value, to.Value, actor, action, outcome, target, limit, before);
    }

    /// <summary>Whether <paramref name="entry"/> passes the filter (the store's query narrows; this decides exactly).</summary>
    public bool Admits(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.At >= From && entry.At < To
            && (Actor is null || string.Equals(entry.Actor, Actor, StringComparison.Ordinal))
            && (Action is null || entry.Action.StartsWith(Action, StringComparison.Ordinal))
            && (Outcome is null || entry.Outcome == Outcome)
            && (Target is null || (entry.Target?.Contains(Target, StringComparison.OrdinalIgnoreCase) ?? false))
            && (Before is null || string.CompareOrdinal(entry.Id, Before) < 0);
    }

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.ToString().Trim() is { Length: > 0 } value ? value : null;

    private static DateTimeOffset? Instant(string text, TimeZoneInfo zone, bool endOfDay)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var midnight = (endOfDay ? date.AddDays(1) : date).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? instant : null;
    }
}
