using LiteDB;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// One write, as data rather than code, so the same value is applied to LiteDB and appended to the journal.
/// Documents are built by hand (no BsonMapper: its races are fixed only in LiteDB 5.0.22).
/// </summary>
internal sealed record StoreOp(StoreOpKind Kind, string Collection, BsonDocument? Document = null, long Before = 0)
{
    public static StoreOp Upsert(string collection, BsonDocument document) => new(StoreOpKind.Upsert, collection, document);

    public static StoreOp InsertEventIfNew(BsonDocument document) => new(StoreOpKind.InsertEventIfNew, StoreCollections.Events, document);

    public static StoreOp DeleteBefore(string collection, long beforeTicks) => new(StoreOpKind.DeleteBefore, collection, Before: beforeTicks);

    public BsonDocument ToBson()
    {
        var bson = new BsonDocument { ["k"] = (int)Kind, ["c"] = Collection, ["b"] = Before };
        if (Document is not null)
        {
            bson["d"] = Document;
        }

        return bson;
    }

    public static StoreOp FromBson(BsonDocument bson) => new(
        (StoreOpKind)bson["k"].AsInt32,
        bson["c"].AsString,
        bson.TryGetValue("d", out var document) ? document.AsDocument : null,
        bson["b"].AsInt64);
}
