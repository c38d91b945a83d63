using LiteDB;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// One write, as data rather than code, so the same value is applied to LiteDB and appended to the journal.
/// Documents are built by hand (no BsonMapper: its races are fixed only in LiteDB 5.0.22).
/// </summary>
internal sealed record StoreOp(StoreOpKind Kind, string Collection, BsonDocument? Document = null, long Before = 0)
{
    public static StoreOp Upsert(string collection, BsonDocument document) => new(StoreOpKind.Upsert, collection, document);

    /// <summary>Inserts into a numbered collection (<see cref="StoreCollection.Numbering"/>) unless its unique field is already stored.</summary>
    public static StoreOp InsertNumberedIfNew(string collection, BsonDocument document) => new(StoreOpKind.InsertNumberedIfNew, collection, document);

    /// <summary>Deletes the document with this <c>_id</c>, if any.</summary>
    public static StoreOp Delete(string collection, string id) => new(StoreOpKind.Delete, collection, new BsonDocument { ["_id"] = id });

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
