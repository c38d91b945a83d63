using LiteDB;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// What a feature registers with the store engine (docs/storage.md, "How a feature adds its repository"): the
/// collections it owns with their indexes, and how its documents of an older schema are brought up to date. It is
/// resolved before the store opens, so it depends on nothing that needs the store.
/// </summary>
internal interface IStoreSchema
{
    /// <summary>The collections this feature owns; no other feature may declare them.</summary>
    IReadOnlyList<StoreCollection> Collections { get; }

    /// <summary>
    /// Re-shapes this feature's documents written under schema <paramref name="fromVersion"/> (lower than
    /// <see cref="StoreOpener.SchemaVersion"/>) at opening, before the new version is recorded. Runs on the opening
    /// thread, outside the writer and the journal: the checkpoint after it makes it durable.
    /// </summary>
    void Migrate(ILiteDatabase database, int fromVersion);
}
