using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Zones.Storage;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Zones;

/// <summary>
/// The zone registry: display names technicians give zone ids, in memory and written through to the store. Changes
/// take one lock across their durable write, so two technicians saving at once cannot both take one name, and memory
/// changes only once the store has the change (a failed write leaves the registry as it was and is reported). Reads
/// (every page that shows a zone) use the latest published copy without the lock. The zones nodes belong to come from
/// the fleet view (their births); a zone with nodes in it is never deleted.
/// </summary>
internal sealed class ZoneRegistry : IZoneNames, IDisposable
{
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly IZoneStore _store;
    private readonly FleetRegistry _fleet;
    private readonly TimeProvider _time;
    private readonly ILogger<ZoneRegistry> _logger;
    private volatile Dictionary<string, StoredZone> _zones;

    public ZoneRegistry(IZoneStore store, FleetRegistry fleet, TimeProvider time, ILogger<ZoneRegistry> logger)
    {
        _store = store;
        _fleet = fleet;
        _time = time;
        _logger = logger;
        _zones = store.LoadZones().ToDictionary(zone => zone.Id, StringComparer.Ordinal);
        logger.LogInformation("Zone registry loaded: {Count} named zones", _zones.Count);
    }

    public string? NameOf(string zoneId) => _zones.TryGetValue(zoneId, out var zone) ? zone.Name : null;

    public StoredZone? Find(string zoneId) => _zones.GetValueOrDefault(zoneId);

    /// <summary>Every named zone and every zone a node declares, ordered by id, each with its number of nodes now.</summary>
    public IReadOnlyList<ZoneEntry> List()
    {
        var zones = _zones;
        var counts = NodeCounts();
        return zones.Keys.Union(counts.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(id => new ZoneEntry(id, zones.GetValueOrDefault(id), counts.GetValueOrDefault(id)))
            .ToArray();
    }

    /// <summary>Names a zone not in the registry yet (a new one, or one nodes already declare).</summary>
    public Task<ZoneChange> CreateAsync(string? zoneId, string? name, string? description) =>
        ChangeAsync(zoneId, async (id, zones) =>
        {
            if (zones.TryGetValue(id, out var named))
            {
                return new ZoneChange(ZoneProblem.AlreadyNamed, named);
            }

            if (Check(id, name, description, zones) is { } refused)
            {
                return refused;
            }

            var now = _time.GetUtcNow();
            var zone = new StoredZone(id, ZoneRules.NormalizeName(name)!, ZoneRules.NormalizeDescription(description), now, now);
            if (await StoreAsync(() => _store.SaveAsync(zone), id) is { } notStored)
            {
                return notStored;
            }

            Publish(zones, zone.Id, zone);
            _logger.LogInformation("Zone {Zone} named {Name}", zone.Id, zone.Name);
            return new ZoneChange(ZoneProblem.None, zone);
        });

    /// <summary>Renames a zone of the registry and replaces its description.</summary>
    public Task<ZoneChange> RenameAsync(string? zoneId, string? name, string? description) =>
        ChangeAsync(zoneId, async (id, zones) =>
        {
            if (!zones.TryGetValue(id, out var current))
            {
                return new ZoneChange(ZoneProblem.Unknown);
            }

            if (Check(id, name, description, zones) is { } refused)
            {
                return refused with { Zone = current };
            }

            var zone = current with
            {
                Name = ZoneRules.NormalizeName(name)!,
                Description = ZoneRules.NormalizeDescription(description),
                ChangedAt = _time.GetUtcNow(),
            };
            if (await StoreAsync(() => _store.SaveAsync(zone), id) is { } notStored)
            {
                return notStored with { Zone = current };
            }

            Publish(zones, zone.Id, zone);
            _logger.LogInformation("Zone {Zone} renamed from {Old} to {Name}", zone.Id, current.Name, zone.Name);
            return new ZoneChange(ZoneProblem.None, zone);
        });

    /// <summary>Forgets a zone's name; refused while any node of the fleet view belongs to the zone.</summary>
    public Task<ZoneChange> DeleteAsync(string? zoneId) =>
        ChangeAsync(zoneId, async (id, zones) =>
        {
            if (!zones.TryGetValue(id, out var current))
            {
                return new ZoneChange(ZoneProblem.Unknown);
            }

            var nodes = NodeCounts().GetValueOrDefault(id);
            if (nodes > 0)
            {
                return new ZoneChange(ZoneProblem.InUse, current, nodes);
            }

            if (await StoreAsync(() => _store.DeleteAsync(id, _time.GetUtcNow()), id) is { } notStored)
            {
                return notStored with { Zone = current };
            }

            Publish(zones, id, null);
            _logger.LogInformation("Zone {Zone} ({Name}) deleted", id, current.Name);
            return new ZoneChange(ZoneProblem.None, current);
        });

    public void Dispose() => _changes.Dispose();

    private static ZoneChange? Check(string id, string? name, string? description, Dictionary<string, StoredZone> zones)
    {
        var normalized = ZoneRules.NormalizeName(name);
        if (!ZoneRules.IsValidName(normalized))
        {
            return new ZoneChange(ZoneProblem.InvalidName);
        }

        if (!ZoneRules.IsValidDescription(ZoneRules.NormalizeDescription(description)))
        {
            return new ZoneChange(ZoneProblem.InvalidDescription);
        }

        var key = ZoneRules.NameKey(normalized!);
        var holder = zones.Values.FirstOrDefault(zone => zone.Id != id && ZoneRules.NameKey(zone.Name) == key);
        return holder is null ? null : new ZoneChange(ZoneProblem.DuplicateName, NameHolder: holder);
    }

    private async Task<ZoneChange> ChangeAsync(string? zoneId, Func<string, Dictionary<string, StoredZone>, Task<ZoneChange>> change)
    {
        if (!Identifiers.IsValid(zoneId))
        {
            return new ZoneChange(ZoneProblem.InvalidId);
        }

        await _changes.WaitAsync();
        try
        {
            return await change(zoneId!, _zones);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Publishes a new copy (readers keep the one they took); only ever called under the change lock.</summary>
    private void Publish(Dictionary<string, StoredZone> current, string id, StoredZone? zone)
    {
        var next = new Dictionary<string, StoredZone>(current, StringComparer.Ordinal);
        if (zone is null)
        {
            next.Remove(id);
        }
        else
        {
            next[id] = zone;
        }

        _zones = next;
    }

    /// <summary>Writes through the store; null once durable, else the refusal (memory stays as it was).</summary>
    private async Task<ZoneChange?> StoreAsync(Func<Task> write, string id)
    {
        try
        {
            await write();
            return null;
        }
#pragma warning disable CA1031 // Whatever the store failed with, the answer is the same: not saved, say so, change nothing.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogError("Zone {Zone} could not be stored, so it was not changed: {Message}", id, exception.Message);
            return new ZoneChange(ZoneProblem.NotStored, StoreError: exception.Message);
        }
    }

    private Dictionary<string, int> NodeCounts() =>
        _fleet.Snapshot()
            .SelectMany(node => node.Zones.Distinct(StringComparer.Ordinal))
            .GroupBy(zone => zone, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
}
