using LiteDB;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// Every collection the features registered (<see cref="IStoreSchema"/>), plus the engine's <c>meta</c>: what the
/// opener indexes and checks, what the writer numbers, and the only facts replay needs (unique fields, counters), so
/// the journal holds generic ops alone and replays whatever feature wrote them.
/// </summary>
internal sealed class StoreCatalog
{
    private readonly Dictionary<string, StoreCollection> _collections = new(StringComparer.Ordinal);
    private readonly HashSet<string> _counters = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<IStoreSchema> _schemas;

    /// <summary>Refuses two features claiming one collection or one counter: they would overwrite each other's documents.</summary>
    public StoreCatalog(IEnumerable<IStoreSchema> schemas)
    {
        _schemas = schemas.ToArray();
        Add(new StoreCollection(StoreMeta.Collection, [], ReadWholeAtStart: true), "the store engine");
        foreach (var schema in _schemas)
        {
            foreach (var collection in schema.Collections)
            {
                Add(collection, schema.GetType().Name);
            }
        }
    }

    public IEnumerable<StoreCollection> Collections => _collections.Values;

    /// <summary>The declared collection, or null for a name no feature registered.</summary>
    public StoreCollection? Find(string name) => _collections.GetValueOrDefault(name);

    /// <summary>Whether a <c>meta</c> document is a numbering counter, which only ever grows.</summary>
    public bool IsCounter(BsonValue metaId) => metaId.IsString && _counters.Contains(metaId.AsString);

    /// <summary>Lets every feature bring its documents from schema <paramref name="fromVersion"/> up to date.</summary>
    public void Migrate(ILiteDatabase database, int fromVersion)
    {
        foreach (var schema in _schemas)
        {
            schema.Migrate(database, fromVersion);
        }
    }

    private void Add(StoreCollection collection, string owner)
    {
        if (!_collections.TryAdd(collection.Name, collection))
        {
            throw new InvalidOperationException($"The store collection '{collection.Name}' is registered twice (again by {owner}); each collection belongs to one feature.");
        }

        if (collection.Numbering is { } numbering)
        {
            if (!collection.Indexes.Any(index => index.Unique && index.Field == numbering.UniqueField))
            {
                throw new InvalidOperationException($"The store collection '{collection.Name}' is numbered by '{numbering.UniqueField}', which needs a unique index.");
            }

            if (!_counters.Add(numbering.CounterKey))
            {
                throw new InvalidOperationException($"The store counter '{numbering.CounterKey}' is registered twice (again by {owner}).");
            }
        }
    }
}
