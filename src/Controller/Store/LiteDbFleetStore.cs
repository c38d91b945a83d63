using System.Globalization;
using System.Text;
using LiteDB;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Options;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// The fleet store in LiteDB, written only by its <see cref="StoreWriter"/> (docs/storage.md). Documents are built by
/// hand rather than with LiteDB's <c>BsonMapper</c> (whose concurrency races are fixed only in 5.0.22, and we have
/// 5.0.20), and protocol messages are kept as their wire JSON so the stored shape is the documented one. Instants
/// are stored as UTC ticks: LiteDB's dates keep milliseconds only.
/// </summary>
internal sealed partial class LiteDbFleetStore : IFleetStore, IDisposable
{
    private readonly StoreLock _lock;
    private readonly LiteDatabase _database;
    private readonly StoreWriter _writer;
    private readonly StoreOptions _options;
    private readonly ILogger<LiteDbFleetStore> _logger;
    private readonly string _path;
    private readonly Lock _closing = new();
    private bool _closed;

    public LiteDbFleetStore(
        IOptions<StoreOptions> options,
        StoreFileSystem fileSystem,
        ControllerMetrics metrics,
        TimeProvider timeProvider,
        ILogger<LiteDbFleetStore> logger)
    {
        _options = options.Value;
        _logger = logger;
        Status = new StoreStatus(metrics);
        var directory = Path.GetFullPath(_options.DataDirectory);
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, _options.FileName);
        try
        {
            _lock = StoreLock.Acquire(_path, timeProvider);
        }
        catch (Exception refusal) when (refusal is StoreInUseException or StoreAccessDeniedException)
        {
            logger.LogCritical("{Message}", refusal.Message);
            throw;
        }

        try
        {
            logger.LogInformation("Store: {Path} (durability: {Durability})", _path, _options.Durability);
            (_database, _writer) = OpenAndReplay(fileSystem, directory, metrics, timeProvider);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    public StoreStatus Status { get; }

    public IReadOnlyList<NodeState> LoadNodes()
    {
        var nodes = new List<NodeState>();
        foreach (var document in _database.GetCollection(StoreCollections.Nodes).FindAll())
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

    public Task SaveNodeAsync(NodeState node) => _writer.Enqueue(StoreOp.Upsert(StoreCollections.Nodes, ToDocument(node)));

    public Task AppendHealthAsync(HealthRecord record) =>
        _writer.Enqueue(StoreOp.Upsert(StoreCollections.Health, new BsonDocument
        {
            // The session and sequence keep two reports received in the same tick apart (a fake clock does that).
            ["_id"] = StoreCollections.NodeKey(record.NodeId, record.ReceivedAt.UtcTicks) + "-" + record.Health.BdSeq.ToString(CultureInfo.InvariantCulture)
                + "." + record.Health.Seq.ToString(CultureInfo.InvariantCulture),
            ["node"] = record.NodeId,
            ["at"] = record.ReceivedAt.UtcTicks,
            ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Health)),
        }));

    public Task<bool> TryAddEventAsync(EventRecord record) =>
        _writer.Enqueue(StoreOp.InsertEventIfNew(new BsonDocument
        {
            ["key"] = record.NodeId + "/" + record.Event.Id,
            ["node"] = record.NodeId,
            ["at"] = record.ReceivedAt.UtcTicks,
            ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Event)),
        }));

    public Task AddCommandAckAsync(CommandAckRecord record) =>
        _writer.Enqueue(StoreOp.Upsert(StoreCollections.Acks, new BsonDocument
        {
            ["_id"] = record.NodeId + "/" + record.Ack.Id,
            ["node"] = record.NodeId,
            ["command"] = record.Ack.Id,
            ["at"] = record.ReceivedAt.UtcTicks,
            ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Ack)),
        }));

    public IReadOnlyList<HealthRecord> RecentHealth(string nodeId, int max) =>
        ReadHealth(NodeRange(StoreCollections.Health, nodeId, 0, long.MaxValue).OrderByDescending("_id").Limit(max));

    public IReadOnlyList<HealthRecord> HealthBetween(string nodeId, DateTimeOffset from, DateTimeOffset to, int max) =>
        ReadHealth(NodeRange(StoreCollections.Health, nodeId, from.UtcTicks, to.UtcTicks - 1).OrderBy("_id").Limit(max));

    public IReadOnlyList<HealthAggregate> HourlyBetween(string nodeId, DateTimeOffset from, DateTimeOffset to, int max) =>
        NodeRange(StoreCollections.HealthHourly, nodeId, from.UtcTicks, to.UtcTicks - 1).OrderBy("_id").Limit(max).ToList()
            .Select(ToAggregate).ToArray();

    public IReadOnlyList<EventRecord> RecentEvents(string nodeId, int max) =>
        ReadEvents(NodeRange(StoreCollections.Events, nodeId, 0, long.MaxValue).OrderByDescending("_id").Limit(max));

    public IReadOnlyList<EventRecord> EventsAfter(string nodeId, long after, int limit) =>
        ReadEvents(NodeRange(StoreCollections.Events, nodeId, after + 1, long.MaxValue).OrderBy("_id").Limit(limit));

    public async Task<RetentionPlan> MaintainAsync(DateTimeOffset now)
    {
        var meta = _database.GetCollection(StoreCollections.Meta).FindById(StoreCollections.AggregatedKey);
        DateTimeOffset? aggregatedUntil = meta is null ? null : new DateTimeOffset(meta["value"].AsInt64, TimeSpan.Zero);
        var oldest = _database.GetCollection(StoreCollections.Health).FindOne(Query.All("at", Query.Ascending));
        DateTimeOffset? oldestRaw = oldest is null ? null : new DateTimeOffset(oldest["at"].AsInt64, TimeSpan.Zero);
        var plan = RetentionPlanner.Plan(now, aggregatedUntil, oldestRaw, _options.RawHealthRetention, _options.AggregateRetention);

        var ops = new List<StoreOp>();
        foreach (var hour in plan.AggregateHours)
        {
            ops.AddRange(Aggregate(hour).Select(aggregate => StoreOp.Upsert(StoreCollections.HealthHourly, ToDocument(aggregate))));
        }

        if (plan.AggregateHours.Count > 0)
        {
            ops.Add(StoreOp.Upsert(StoreCollections.Meta, new BsonDocument
            {
                ["_id"] = StoreCollections.AggregatedKey,
                ["value"] = plan.AggregateHours[^1].AddHours(1).UtcTicks,
            }));
        }

        ops.Add(StoreOp.DeleteBefore(StoreCollections.Health, plan.PruneRawBefore.UtcTicks));
        ops.Add(StoreOp.DeleteBefore(StoreCollections.HealthHourly, plan.PruneAggregatesBefore.UtcTicks));
        ops.Add(StoreOp.DeleteBefore(StoreCollections.Commands, (now - _options.CommandRetention).UtcTicks));
        await _writer.Enqueue([.. ops]);
        return plan;
    }

    /// <summary>
    /// Drains the writer, folds the journal into LiteDB, closes LiteDB and only then releases the lock, so the next
    /// opener finds the files closed and clean. Safe to call more than once and from several threads: every caller
    /// returns only once the store is closed.
    /// </summary>
    public void Dispose()
    {
        lock (_closing)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            try
            {
                _writer.Dispose();
            }
            finally
            {
                try
                {
                    _database.Dispose();
                }
                finally
                {
                    _lock.Dispose();
                    _logger.LogInformation("Store closed: {Path}", _path);
                }
            }
        }
    }

    /// <summary>
    /// Opens LiteDB and replays the journal into it. When the replay finds the file damaged, the damage is handled as
    /// at opening (reported, rebuilt or moved aside) and the journal, still whole, is replayed into what remains.
    /// </summary>
    private (LiteDatabase Database, StoreWriter Writer) OpenAndReplay(StoreFileSystem fileSystem, string directory, ControllerMetrics metrics, TimeProvider timeProvider)
    {
        var database = StoreOpener.Open(_path, timeProvider, _logger, out var degraded);
        for (var attempt = 1; ; attempt++)
        {
            var journal = new WriteJournal(OpenJournal(fileSystem, database));
            try
            {
                var writer = new StoreWriter(database, journal, _options, () => fileSystem.FreeBytes(directory), Status, metrics, _logger);
                if (degraded is not null)
                {
                    Status.StartedDegraded(degraded);
                }

                return (database, writer);
            }
            catch (LiteException damage) when (attempt == 1)
            {
                journal.Dispose();
                database.Dispose();
                database = StoreOpener.Recover(_path, damage, timeProvider, _logger, out var recovered);
                degraded = recovered;
            }
            catch
            {
                journal.Dispose();
                database.Dispose();
                throw;
            }
        }
    }

    private Stream OpenJournal(StoreFileSystem fileSystem, LiteDatabase database)
    {
        var journalPath = _path + ".journal";
        try
        {
            return fileSystem.OpenJournal(journalPath);
        }
        catch (UnauthorizedAccessException denied)
        {
            database.Dispose();
            var refusal = new StoreAccessDeniedException(journalPath, denied);
            _logger.LogCritical("{Message}", refusal.Message);
            throw refusal;
        }
    }

    private IEnumerable<HealthAggregate> Aggregate(DateTimeOffset hour)
    {
        var reports = _database.GetCollection(StoreCollections.Health)
            .Find(Query.And(Query.GTE("at", hour.UtcTicks), Query.LT("at", hour.AddHours(1).UtcTicks)))
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
        _database.GetCollection(collection).Query()
            .Where(Query.Between("_id", StoreCollections.NodeKey(nodeId, Math.Max(0, first)), StoreCollections.NodeKey(nodeId, Math.Max(0, last)) + "~"));

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
            ["_id"] = StoreCollections.NodeKey(aggregate.NodeId, aggregate.Hour.UtcTicks),
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
