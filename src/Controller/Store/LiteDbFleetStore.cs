using System.Text;
using LiteDB;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Options;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// The fleet store in LiteDB. Documents are built by hand rather than with LiteDB's <c>BsonMapper</c> (whose
/// concurrency races are fixed only in 5.0.22, and we have 5.0.20), and protocol messages are kept as their wire JSON
/// so the stored shape is the documented one. Instants are stored as UTC ticks: LiteDB's dates keep milliseconds only.
/// </summary>
internal sealed class LiteDbFleetStore : IFleetStore
{
    private const string Nodes = "nodes";
    private const string Health = "health";
    private const string Events = "events";
    private const string Acks = "acks";

    /// <summary>Trim a node's health history every this many appends, not on each one.</summary>
    private const int TrimEvery = 64;

    private readonly ILiteDatabase _database;
    private readonly int _healthKeptPerNode;
    private readonly ILogger<LiteDbFleetStore> _logger;
    private readonly Lock _writeGate = new();
    private readonly Dictionary<string, int> _appendsSinceTrim = new(StringComparer.Ordinal);

    public LiteDbFleetStore(ILiteDatabase database, IOptions<StoreOptions> options, ILogger<LiteDbFleetStore> logger)
    {
        _database = database;
        _healthKeptPerNode = options.Value.HealthKeptPerNode;
        _logger = logger;
        _database.GetCollection(Health, BsonAutoId.Int64).EnsureIndex("node", "$.node");
        _database.GetCollection(Events, BsonAutoId.Int64).EnsureIndex("key", "$.key", unique: true);
        _database.GetCollection(Events, BsonAutoId.Int64).EnsureIndex("node", "$.node");
        _database.GetCollection(Acks, BsonAutoId.Int64).EnsureIndex("node", "$.node");
    }

    public IReadOnlyList<NodeState> LoadNodes()
    {
        var nodes = new List<NodeState>();
        foreach (var document in _database.GetCollection(Nodes).FindAll())
        {
            try
            {
                nodes.Add(ToNode(document));
            }
            catch (Exception exception) when (exception is InvalidCastException or ArgumentException or FormatException)
            {
                _logger.LogWarning("Skipping unreadable stored node {Document}: {Message}", document["_id"], exception.Message);
            }
        }

        return nodes;
    }

    public void SaveNode(NodeState node)
    {
        lock (_writeGate)
        {
            _database.GetCollection(Nodes).Upsert(ToDocument(node));
        }
    }

    public void AppendHealth(HealthRecord record)
    {
        lock (_writeGate)
        {
            var collection = _database.GetCollection(Health, BsonAutoId.Int64);
            collection.Insert(new BsonDocument
            {
                ["node"] = record.NodeId,
                ["at"] = record.ReceivedAt.UtcTicks,
                ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Health)),
            });

            _appendsSinceTrim.TryGetValue(record.NodeId, out var appends);
            if (appends % TrimEvery == 0)
            {
                Trim(collection, record.NodeId);
            }

            _appendsSinceTrim[record.NodeId] = appends + 1;
        }
    }

    public IReadOnlyList<HealthRecord> RecentHealth(string nodeId, int max)
    {
        var records = new List<HealthRecord>();
        var documents = _database.GetCollection(Health, BsonAutoId.Int64).Query()
            .Where(Query.EQ("node", nodeId))
            .OrderByDescending("_id")
            .Limit(max)
            .ToList();
        foreach (var document in documents)
        {
            var decoded = WireCodec.Decode<NodeHealth>(Encoding.UTF8.GetBytes(document["json"].AsString));
            if (decoded.Succeeded)
            {
                records.Add(new HealthRecord(nodeId, FromTicks(document["at"]), decoded.Message!));
            }
        }

        return records;
    }

    public bool TryAddEvent(EventRecord record)
    {
        var key = record.NodeId + "/" + record.Event.Id;
        lock (_writeGate)
        {
            var collection = _database.GetCollection(Events, BsonAutoId.Int64);
            if (collection.Exists(Query.EQ("key", key)))
            {
                return false;
            }

            collection.Insert(new BsonDocument
            {
                ["key"] = key,
                ["node"] = record.NodeId,
                ["at"] = record.ReceivedAt.UtcTicks,
                ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Event)),
            });
            return true;
        }
    }

    public IReadOnlyList<EventRecord> RecentEvents(string nodeId, int max)
    {
        var records = new List<EventRecord>();
        var documents = _database.GetCollection(Events, BsonAutoId.Int64).Query()
            .Where(Query.EQ("node", nodeId))
            .OrderByDescending("_id")
            .Limit(max)
            .ToList();
        foreach (var document in documents)
        {
            var decoded = WireCodec.Decode<NodeEvent>(Encoding.UTF8.GetBytes(document["json"].AsString));
            if (decoded.Succeeded)
            {
                records.Add(new EventRecord(nodeId, FromTicks(document["at"]), decoded.Message!));
            }
        }

        return records;
    }

    public void AddCommandAck(CommandAckRecord record)
    {
        lock (_writeGate)
        {
            _database.GetCollection(Acks, BsonAutoId.Int64).Insert(new BsonDocument
            {
                ["node"] = record.NodeId,
                ["command"] = record.Ack.Id,
                ["at"] = record.ReceivedAt.UtcTicks,
                ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Ack)),
            });
        }
    }

    public bool IsHealthy()
    {
        try
        {
            _ = _database.GetCollection(Nodes).Count();
            return true;
        }
        catch (LiteException exception)
        {
            _logger.LogWarning("Store health check failed: {Message}", exception.Message);
            return false;
        }
    }

    private void Trim(ILiteCollection<BsonDocument> collection, string nodeId)
    {
        var oldestKept = collection.Query()
            .Where(Query.EQ("node", nodeId))
            .OrderByDescending("_id")
            .Skip(_healthKeptPerNode - 1)
            .Limit(1)
            .ToDocuments()
            .FirstOrDefault();
        if (oldestKept is not null)
        {
            collection.DeleteMany(Query.And(Query.EQ("node", nodeId), Query.LT("_id", oldestKept["_id"])));
        }
    }

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
