using LiteDB;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// A feature's reads of committed data, on its own thread (API, pages, start-up). Read-only on purpose: every write
/// goes through <see cref="StoreEngine.Enqueue"/>, the writer and the journal, or it would not be durable.
/// </summary>
internal sealed class StoreReader
{
    private readonly ILiteDatabase _database;

    public StoreReader(ILiteDatabase database)
    {
        _database = database;
    }

    public IEnumerable<BsonDocument> FindAll(string collection) => _database.GetCollection(collection).FindAll();

    public BsonDocument? FindById(string collection, BsonValue id) => _database.GetCollection(collection).FindById(id);

    public BsonDocument? FindOne(string collection, BsonExpression query) => _database.GetCollection(collection).FindOne(query);

    /// <summary>The first document in the order of <paramref name="query"/> (e.g. <c>Query.All("at", Query.Ascending)</c>: the oldest).</summary>
    public BsonDocument? FindOne(string collection, LiteDB.Query query) => _database.GetCollection(collection).FindOne(query);

    public IEnumerable<BsonDocument> Find(string collection, BsonExpression query, int skip = 0, int limit = int.MaxValue) =>
        _database.GetCollection(collection).Find(query, skip, limit);

    /// <summary>Documents in the order of <paramref name="query"/>, e.g. <c>Query.All("at", Query.Descending)</c> for newest first by an index.</summary>
    public IEnumerable<BsonDocument> Find(string collection, LiteDB.Query query, int skip = 0, int limit = int.MaxValue) =>
        _database.GetCollection(collection).Find(query, skip, limit);

    /// <summary>A query to refine (range, order, limit) and run with <c>ToList</c>.</summary>
    public ILiteQueryable<BsonDocument> Query(string collection) => _database.GetCollection(collection).Query();
}
