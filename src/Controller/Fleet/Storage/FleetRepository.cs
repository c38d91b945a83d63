using System.Globalization;
using System.Text;
using LiteDB;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>
/// The fleet's persistence over the store engine (docs/storage.md): the registry, raw health, hourly aggregates and
/// node events, written through the engine's single writer and read from committed data. Documents are built by hand
/// rather than with LiteDB's <c>BsonMapper</c> (whose concurrency races are fixed only in 5.0.22, and we have 5.0.20),
/// and protocol messages are kept as their wire JSON so the stored shape is the documented one. Instants are stored as
/// UTC ticks: LiteDB's dates keep milliseconds only.
/// </summary>
internal sealed class FleetRepository : IFleetStore, IStoreMaintenance
{
    private readonly StoreEngine _engine;
    private readonly StoreReader _reads;
    private readonly StoreOptions _options;
    private readonly ILogger<FleetRepository> _logger;

    public FleetRepository(StoreEngine engine, IOptions<StoreOptions> options, ILogger<FleetRepository> logger)
    {
        _engine = engine;
        _reads = engine.Reads;
        _options = options.Value;
        _logger = logger;
    }

    public IReadOnlyList<NodeState> LoadNodes()
    {
        var nodes = new List<NodeState>();
        foreach (var document in _reads.FindAll(FleetCollections.Nodes))
        {
            try
            {
                nodes.Add(ToNode(document));
            }
            catch (Exception exception) when (exception is InvalidCastException or ArgumentException or FormatException or KeyNotFoundException)
            {
                _logger.LogWarning("Skipping unreadable stored node {Document}: {Message}", document["_id"], exception.Message);
            }
        }

        return nodes;
    }

    public Task SaveNodeAsync(NodeState node) => _engine.Enqueue(StoreOp.Upsert(FleetCollections.Nodes, ToDocument(node)));

    public Task RemoveNodeAsync(string nodeId) => _engine.Enqueue(StoreOp.Delete(FleetCollections.Nodes, nodeId));

    public Task AppendHealthAsync(HealthRecord record) =>
        _engine.Enqueue(StoreOp.Upsert(FleetCollections.Health, new BsonDocument
        {
            // The session and sequence keep two reports received in the same tick apart (a fake clock does that).
            ["_id"] = FleetCollections.NodeKey(record.NodeId, record.ReceivedAt.UtcTicks) + "-" + record.Health.BdSeq.ToString(CultureInfo.InvariantCulture)
                + "." + record.Health.Seq.ToString(CultureInfo.InvariantCulture),
            ["node"] = record.NodeId,
            ["at"] = record.ReceivedAt.UtcTicks,
            ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Health)),
        }));

    public Task<bool> TryAddEventAsync(EventRecord record) =>
        _engine.Enqueue(StoreOp.InsertNumberedIfNew(FleetCollections.Events, new BsonDocument
        {
            ["key"] = record.NodeId + "/" + record.Event.Id,
            ["node"] = record.NodeId,
            ["at"] = record.ReceivedAt.UtcTicks,
            ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Event)),
        }));

    public IReadOnlyList<HealthRecord> RecentHealth(string nodeId, int max) =>
        ReadHealth(NodeRange(FleetCollections.Health, nodeId, 0, long.MaxValue).OrderByDescending("_id").Limit(max));

    public IReadOnlyList<HealthRecord> HealthBetween(string nodeId, DateTimeOffset from, DateTimeOffset to, int max) =>
        ReadHealth(NodeRange(FleetCollections.Health, nodeId, from.UtcTicks, to.UtcTicks - 1).OrderBy("_id").Limit(max));

    public IReadOnlyList<HealthAggregate> HourlyBetween(string nodeId, DateTimeOffset from, DateTimeOffset to, int max) =>
        NodeRange(FleetCollections.HealthHourly, nodeId, from.UtcTicks, to.UtcTicks - 1).OrderBy("_id").Limit(max).ToList()
            .Select(ToAggregate).ToArray();

    public IReadOnlyList<EventRecord> RecentEvents(string nodeId, int max) =>
        ReadEvents(NodeRange(FleetCollections.Events, nodeId, 0, long.MaxValue).OrderByDescending("_id").Limit(max));

    public IReadOnlyList<EventRecord> EventsAfter(string nodeId, long after, int limit) =>
        ReadEvents(NodeRange(FleetCollections.Events, nodeId, after + 1, long.MaxValue).OrderBy("_id").Limit(limit));

    /// <summary>
    /// Aggregates complete hours and prunes raw health and aggregates past retention, as <see cref="RetentionPlanner"/>
    /// decides for <paramref name="now"/>: the aggregates, the "aggregated until" mark and the deletions are one write.
    /// </summary>
    public async Task<RetentionPlan> MaintainAsync(DateTimeOffset now)
    {
        var meta = _reads.FindById(StoreMeta.Collection, FleetCollections.AggregatedKey);
        DateTimeOffset? aggregatedUntil = meta is null ? null : new DateTimeOffset(meta["value"].AsInt64, TimeSpan.Zero);
        var oldest = _reads.FindOne(FleetCollections.Health, Query.All("at", Query.Ascending));
        DateTimeOffset? oldestRaw = oldest is null ? null : new DateTimeOffset(oldest["at"].AsInt64, TimeSpan.Zero);
        var plan = RetentionPlanner.Plan(now, aggregatedUntil, oldestRaw, _options.RawHealthRetention, _options.AggregateRetention);

        var ops = new List<StoreOp>();
        foreach (var hour in plan.AggregateHours)
        {
            ops.AddRange(Aggregate(hour).Select(aggregate => StoreOp.Upsert(FleetCollections.HealthHourly, ToDocument(aggregate))));
        }

        if (plan.AggregateHours.Count > 0)
        {
            ops.Add(StoreOp.Upsert(StoreMeta.Collection, new BsonDocument
            {
                ["_id"] = FleetCollections.AggregatedKey,
                ["value"] = plan.AggregateHours[^1].AddHours(1).UtcTicks,
            }));
        }

        ops.Add(StoreOp.DeleteBefore(FleetCollections.Health, plan.PruneRawBefore.UtcTicks));
        ops.Add(StoreOp.DeleteBefore(FleetCollections.HealthHourly, plan.PruneAggregatesBefore.UtcTicks));
        await _engine.Enqueue([.. ops]);
        return plan;
    }

    async Task IStoreMaintenance.MaintainAsync(DateTimeOffset now)
    {
        var plan = await MaintainAsync(now);
        if (plan.AggregateHours.Count > 0)
        {
            _logger.LogInformation(
                "Health aggregated for {Hours} hours up to {Until:o}; raw kept from {RawCutoff:o}",
                plan.AggregateHours.Count,
                plan.AggregateHours[^1].AddHours(1),
                plan.PruneRawBefore);
        }
    }

    private IEnumerable<HealthAggregate> Aggregate(DateTimeOffset hour)
    {
        var reports = _reads
            .Find(FleetCollections.Health, Query.And(Query.GTE("at", hour.UtcTicks), Query.LT("at", hour.AddHours(1).UtcTicks)))
            .Select(document => (Node: document["node"].AsString, Health: WireCodec.Decode<NodeHealth>(Encoding.UTF8.GetBytes(document["json"].AsString)).Message))
            .Where(report => report.Health is not null)
            .GroupBy(report => report.Node, report => report.Health!, StringComparer.Ordinal);
        foreach (var node in reports)
        {
            var samples = node.ToList();
            yield return new HealthAggregate
            {
                NodeId = node.Key,
                Hour = hour,
                Samples = samples.Count,
                ClockSyncedShare = samples.Count(sample => sample.Clock.Synced) / (double)samples.Count,
                CpuTempC = MinAvgMax.Of(samples.Where(sample => sample.Cpu.TempC.HasValue).Select(sample => sample.Cpu.TempC!.Value)),
                Load1 = MinAvgMax.Of(samples.Select(sample => sample.Cpu.Load1))!,
                SignalDbm = MinAvgMax.Of(samples.Where(sample => sample.Link.SignalDbm.HasValue).Select(sample => (double)sample.Link.SignalDbm!.Value)),
                MemoryAvailableMb = MinAvgMax.Of(samples.Select(sample => (double)sample.Memory.AvailableMb))!,
                DiskFreeMb = MinAvgMax.Of(samples.Select(sample => (double)sample.Memory.DiskFreeMb))!,
            };
        }
    }

    /// <summary>
    /// One node's documents keyed from <paramref name="first"/> to <paramref name="last"/>: one range of the primary
    /// index. The upper bound ends in '~', which sorts after any suffix a key may carry.
    /// </summary>
    private ILiteQueryable<BsonDocument> NodeRange(string collection, string nodeId, long first, long last) =>
        _reads.Query(collection)
            .Where(Query.Between("_id", FleetCollections.NodeKey(nodeId, Math.Max(0, first)), FleetCollections.NodeKey(nodeId, Math.Max(0, last)) + "~"));

    private static List<HealthRecord> ReadHealth(ILiteQueryableResult<BsonDocument> query)
    {
        var records = new List<HealthRecord>();
        foreach (var document in query.ToList())
        {
            var decoded = WireCodec.Decode<NodeHealth>(Encoding.UTF8.GetBytes(document["json"].AsString));
            if (decoded.Succeeded)
            {
                records.Add(new HealthRecord(document["node"].AsString, FromTicks(document["at"]), decoded.Message!));
            }
        }

        return records;
    }

    private static List<EventRecord> ReadEvents(ILiteQueryableResult<BsonDocument> query)
    {
        var records = new List<EventRecord>();
        foreach (var document in query.ToList())
        {
            var decoded = WireCodec.Decode<NodeEvent>(Encoding.UTF8.GetBytes(document["json"].AsString));
            if (decoded.Succeeded)
            {
                records.Add(new EventRecord(document["node"].AsString, FromTicks(document["at"]), decoded.Message!, document["seq"].AsInt64));
            }
        }

        return records;
    }

    private static BsonDocument ToDocument(HealthAggregate aggregate)
    {
        var document = new BsonDocument
        {
            ["_id"] = FleetCollections.NodeKey(aggregate.NodeId, aggregate.Hour.UtcTicks),
            ["node"] = aggregate.NodeId,
            ["at"] = aggregate.Hour.UtcTicks,
            ["n"] = aggregate.Samples,
            ["sync"] = aggregate.ClockSyncedShare,
            ["load1"] = Figures(aggregate.Load1),
            ["mem"] = Figures(aggregate.MemoryAvailableMb),
            ["disk"] = Figures(aggregate.DiskFreeMb),
        };
        if (aggregate.CpuTempC is { } temp)
        {
            document["temp"] = Figures(temp);
        }

        if (aggregate.SignalDbm is { } signal)
        {
            document["signal"] = Figures(signal);
        }

        return document;
    }

    private static HealthAggregate ToAggregate(BsonDocument document) => new()
    {
        NodeId = document["node"].AsString,
        Hour = FromTicks(document["at"]),
        Samples = document["n"].AsInt32,
        ClockSyncedShare = document["sync"].AsDouble,
        CpuTempC = document.TryGetValue("temp", out var temp) ? Figures(temp) : null,
        Load1 = Figures(document["load1"]),
        SignalDbm = document.TryGetValue("signal", out var signal) ? Figures(signal) : null,
        MemoryAvailableMb = Figures(document["mem"]),
        DiskFreeMb = Figures(document["disk"]),
    };

    private static BsonArray Figures(MinAvgMax figures) => [figures.Min, figures.Avg, figures.Max];

    private static MinAvgMax Figures(BsonValue value) => new(value.AsArray[0].AsDouble, value.AsArray[1].AsDouble, value.AsArray[2].AsDouble);

    private static BsonDocument ToDocument(NodeState node)
    {
        var document = new BsonDocument
        {
            ["_id"] = node.Id,
            ["zones"] = new BsonArray(node.Zones.Select(zone => new BsonValue(zone))),
            ["software"] = node.Software,
            ["hardware"] = new BsonDocument
            {
                ["model"] = node.Hardware.Model,
                ["serial"] = node.Hardware.Serial,
                ["os"] = node.Hardware.Os,
                ["simulated"] = node.Hardware.Simulated,
            },
            ["capabilities"] = new BsonArray(node.Capabilities.Select(capability => new BsonValue(capability))),
            ["heartbeatSeconds"] = node.HeartbeatSeconds,
            ["bdSeq"] = node.BdSeq,
            ["lastSeen"] = node.LastSeen.UtcTicks,
            ["online"] = node.Online,
            ["stateSince"] = node.StateSince.UtcTicks,
        };
        if (node.Health is not null && node.HealthReceivedAt is { } healthAt)
        {
            document["health"] = Encoding.UTF8.GetString(WireCodec.Encode(node.Health));
            document["healthAt"] = healthAt.UtcTicks;
        }

        return document;
    }

    private static NodeState ToNode(BsonDocument document)
    {
        var hardware = document["hardware"].AsDocument;
        NodeHealth? health = null;
        DateTimeOffset? healthAt = null;
        if (document.TryGetValue("health", out var healthJson) && healthJson.IsString)
        {
            var decoded = WireCodec.Decode<NodeHealth>(Encoding.UTF8.GetBytes(healthJson.AsString));
            if (decoded.Succeeded)
            {
                health = decoded.Message;
                healthAt = FromTicks(document["healthAt"]);
            }
        }

        return new NodeState
        {
            Id = document["_id"].AsString,
            Zones = document["zones"].AsArray.Select(value => value.AsString).ToArray(),
            Software = document["software"].AsString,
            Hardware = new HardwareProfile
            {
                Model = hardware["model"].AsString,
                Serial = hardware["serial"].IsNull ? null : hardware["serial"].AsString,
                Os = hardware["os"].IsNull ? null : hardware["os"].AsString,
                Simulated = hardware["simulated"].AsBoolean,
            },
            Capabilities = document["capabilities"].AsArray.Select(value => value.AsString).ToArray(),
            HeartbeatSeconds = document["heartbeatSeconds"].AsInt32,
            BdSeq = document["bdSeq"].AsInt32,
            LastSeen = FromTicks(document["lastSeen"]),
            Online = document["online"].AsBoolean,
            StateSince = FromTicks(document["stateSince"]),
            Health = health,
            HealthReceivedAt = healthAt,
        };
    }

    private static DateTimeOffset FromTicks(BsonValue value) => new(value.AsInt64, TimeSpan.Zero);
}
