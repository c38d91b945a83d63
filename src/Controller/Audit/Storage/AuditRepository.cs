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

    /// <summary>The entries from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), newest first.</summary>
    public IEnumerable<AuditEntry> Between(DateTimeOffset from, DateTimeOffset to) =>
        _engine.Reads.Find(AuditSchema.Collection, Query.And(
                Query.GTE("at", from.UtcTicks),
                Query.LT("at", to.UtcTicks)))
            .OrderByDescending(document => document["at"].AsInt64)
            .ThenByDescending(document => document["_id"].AsString, StringComparer.Ordinal)
            .Select(Read);

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
