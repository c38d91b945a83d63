using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Audit.Storage;

/// <summary>
/// The audit log over the store engine (docs/storage.md, "How a feature adds its repository"): documents built by
/// hand, instants as UTC ticks. It only appends — there is no update and no delete — so nothing in the application can
/// change an entry once written.
/// </summary>
internal sealed class AuditRepository
{
    private readonly StoreEngine _engine;

    public AuditRepository(StoreEngine engine) => _engine = engine;

    /// <summary>Appends <paramref name="entry"/>; the task ends when the store has it durably (false if the store refused).</summary>
    public Task<bool> AppendAsync(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var document = new BsonDocument
        {
            ["_id"] = entry.Id,
            ["at"] = entry.At.UtcTicks,
            ["actor"] = entry.Actor,
            ["action"] = entry.Action,
            ["outcome"] = entry.Outcome.ToString(),
        };
        Optional(document, "target", entry.Target);
        Optional(document, "source", entry.Source);
        Optional(document, "detail", entry.Detail);
        return _engine.Enqueue(StoreOp.Upsert(AuditSchema.Collection, document));
    }

    /// <summary>
    /// The entries <paramref name="filter"/> admits, newest first, read as they are enumerated. The store narrows by
    /// the <c>at</c> index and the other fields and orders by id (time-ordered, so newest first even within one tick);
    /// its LIKE is wider than the filter (case, wildcards), so <see cref="AuditFilter.Admits"/> decides each entry.
    /// The limit is the caller's (<c>Take</c>), applied after that check.
    /// </summary>
    public IEnumerable<AuditEntry> Find(AuditFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = _engine.Reads.Query(AuditSchema.Collection)
            .Where(LiteDB.Query.And(LiteDB.Query.GTE("at", filter.From.UtcTicks), LiteDB.Query.LT("at", filter.To.UtcTicks)));
        if (filter.Actor is { } actor)
        {
            query = query.Where(LiteDB.Query.EQ("actor", actor));
        }

        if (filter.Action is { } action)
        {
            query = query.Where(LiteDB.Query.StartsWith("action", action));
        }

        if (filter.Outcome is { } outcome)
        {
            query = query.Where(LiteDB.Query.EQ("outcome", outcome.ToString()));
        }

        if (filter.Target is { } target)
        {
            query = query.Where(LiteDB.Query.Contains("target", target));
        }

        if (filter.Before is { } before)
        {
            query = query.Where(LiteDB.Query.LT("_id", before));
        }

        return query.OrderByDescending("_id").ToEnumerable().Select(Read).Where(filter.Admits);
    }

    /// <summary>The entries from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), newest first.</summary>
    public IEnumerable<AuditEntry> Between(DateTimeOffset from, DateTimeOffset to) => Find(new AuditFilter(from, to));

    private static AuditEntry Read(BsonDocument document) => new(
        document["_id"].AsString,
        new DateTimeOffset(document["at"].AsInt64, TimeSpan.Zero),
        document["actor"].AsString,
        document["action"].AsString,
        Enum.Parse<AuditOutcome>(document["outcome"].AsString),
        Text(document, "target"),
        Text(document, "source"),
        Text(document, "detail"));

    private static void Optional(BsonDocument document, string field, string? value)
    {
        if (value is not null)
        {
            document[field] = value;
        }
    }

    private static string? Text(BsonDocument document, string field) =>
        document.TryGetValue(field, out var value) && value.IsString ? value.AsString : null;
}
