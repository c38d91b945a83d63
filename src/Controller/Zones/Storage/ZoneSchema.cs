using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Zones.Storage;

/// <summary>
/// The zone registry's one collection, <c>zones</c>, keyed by zone id and read whole at start (a commune has tens of
/// zones). It has no unique index on the name on purpose: a runtime upsert breaking a unique index throws inside the
/// writer and fails the whole batch, other features' writes with it; the registry keeps names unique itself, under
/// the one lock its changes take (<see cref="ZoneRegistry"/>).
/// </summary>
internal sealed class ZoneSchema : IStoreSchema
{
    /// <summary>The collection's on-disk name, never renamed.</summary>
    public const string Collection = "zones";

    public IReadOnlyList<StoreCollection> Collections { get; } = [new(Collection, [], ReadWholeAtStart: true)];

    /// <summary>The collection is new in schema 2: nothing older to re-shape.</summary>
    public void Migrate(ILiteDatabase database, int fromVersion)
    {
    }
}
