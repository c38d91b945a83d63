using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Audit.Storage;

/// <summary>
/// The audit log's one collection, <c>audit</c>, indexed by instant (every view is a time range, newest first). It grows
/// without bound and is not read whole at start.
/// </summary>
internal sealed class AuditSchema : IStoreSchema
{
    public const string Collection = "audit";

    public IReadOnlyList<StoreCollection> Collections { get; } = [new(Collection, [new StoreIndex("at")])];

    /// <summary>The collection is new: nothing older to re-shape.</summary>
    public void Migrate(ILiteDatabase database, int fromVersion)
    {
    }
}
