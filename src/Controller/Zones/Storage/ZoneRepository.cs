using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Zones.Storage;

/// <summary>
/// The zone registry over the store engine (docs/storage.md, "How a feature adds its repository"): one document per
/// zone id, built by hand, instants as UTC ticks. The engine deletes only by age (<see cref="StoreOpKind.DeleteBefore"/>),
/// so deleting a zone replaces its document with a tombstone (<c>deleted: true</c>), an idempotent upsert like every
/// other write; naming the id again replaces the tombstone.
/// </summary>
internal sealed class ZoneRepository : IZoneStore
{
    private readonly StoreEngine _engine;
    private readonly ILogger<ZoneRepository> _logger;

    public ZoneRepository(StoreEngine engine, ILogger<ZoneRepository> logger)
    {
        _engine = engine;
        _logger = logger;
    }

    public IReadOnlyList<StoredZone> LoadZones()
    {
        var zones = new List<StoredZone>();
        foreach (var document in _engine.Reads.FindAll(ZoneSchema.Collection))
        {
            if (document.TryGetValue("deleted", out var deleted) && deleted.IsBoolean && deleted.AsBoolean)
            {
                continue;
            }

            try
            {
                zones.Add(new StoredZone(
                    document["_id"].AsString,
                    document["name"].AsString,
                    document.TryGetValue("description", out var description) && description.IsString ? description.AsString : null,
                    FromTicks(document["createdAt"]),
                    FromTicks(document["changedAt"])));
            }
            catch (Exception exception) when (exception is InvalidCastException or ArgumentException or KeyNotFoundException)
            {
                _logger.LogWarning("Skipping unreadable stored zone {Document}: {Message}", document["_id"], exception.Message);
            }
        }

        return zones;
    }

    public Task SaveAsync(StoredZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var document = new BsonDocument
        {
            ["_id"] = zone.Id,
            ["name"] = zone.Name,
            ["createdAt"] = zone.CreatedAt.UtcTicks,
            ["changedAt"] = zone.ChangedAt.UtcTicks,
        };
        if (zone.Description is not null)
        {
            document["description"] = zone.Description;
        }

        return _engine.Enqueue(StoreOp.Upsert(ZoneSchema.Collection, document));
    }

    public Task DeleteAsync(string zoneId, DateTimeOffset at) =>
        _engine.Enqueue(StoreOp.Upsert(ZoneSchema.Collection, new BsonDocument
        {
            ["_id"] = zoneId,
            ["deleted"] = true,
            ["changedAt"] = at.UtcTicks,
        }));

    private static DateTimeOffset FromTicks(BsonValue value) => new(value.AsInt64, TimeSpan.Zero);
}
