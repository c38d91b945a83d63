using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>
/// The fleet's collections as registered with the store engine: the registry (read whole at start), raw health by
/// node and time, hourly aggregates, and node events numbered in storing order with a unique key per (node, event id).
/// </summary>
internal sealed class FleetSchema : IStoreSchema
{
    public IReadOnlyList<StoreCollection> Collections { get; } =
    [
        new(FleetCollections.Nodes, [], ReadWholeAtStart: true),
        new(FleetCollections.Health, [new StoreIndex("at")]),
        new(FleetCollections.HealthHourly, [new StoreIndex("at")]),
        new(
            FleetCollections.Events,
            [new StoreIndex("key", Unique: true)],
            Numbering: new StoreNumbering(
                FleetCollections.EventSeqKey,
                UniqueField: "key",
                NumberField: "seq",
                IdOf: (document, seq) => FleetCollections.NodeKey(document["node"].AsString, seq))),
    ];

    /// <summary>Schema 1 (no meta document) keyed health and events by number; re-key them by node and time/order.</summary>
    public void Migrate(ILiteDatabase database, int fromVersion)
    {
        if (fromVersion >= 2)
        {
            return;
        }

        foreach (var (name, keyOf) in new (string, Func<BsonDocument, long, string>)[]
        {
            (FleetCollections.Health, (document, _) => FleetCollections.NodeKey(document["node"].AsString, document["at"].AsInt64)),
            (FleetCollections.Events, (document, seq) => FleetCollections.NodeKey(document["node"].AsString, seq)),
        })
        {
            var collection = database.GetCollection(name);
            var old = collection.Find(Query.All("_id", Query.Ascending)).Where(document => !document["_id"].IsString).ToList();
            if (old.Count == 0)
            {
                continue;
            }

            database.DropCollection(name);
            collection = database.GetCollection(name);
            long seq = 0;
            foreach (var document in old)
            {
                document["_id"] = keyOf(document, ++seq);
                if (name == FleetCollections.Events)
                {
                    document["seq"] = seq;
                }

                collection.Upsert(document);
            }

            if (name == FleetCollections.Events)
            {
                database.GetCollection(StoreMeta.Collection).Upsert(new BsonDocument { ["_id"] = FleetCollections.EventSeqKey, ["value"] = seq });
            }
        }
    }
}
