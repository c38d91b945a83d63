using System.Text;
using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>
/// Node identities, pending enrolment requests and tokens over the store engine. Documents are built by hand, instants
/// are UTC ticks, a request is kept as its wire JSON, and every document is keyed by its natural id, so every write is
/// an idempotent upsert or delete in the journal.
/// </summary>
internal sealed class IdentityRepository : IIdentityStore
{
    private readonly StoreEngine _engine;
    private readonly ILogger<IdentityRepository> _logger;

    public IdentityRepository(StoreEngine engine, ILogger<IdentityRepository> logger)
    {
        _engine = engine;
        _logger = logger;
    }

    public IReadOnlyList<NodeIdentityRecord> LoadIdentities() => Read(IdentitySchema.Identities, ToIdentity);

    public IReadOnlyList<PendingEnrolment> LoadPending() => Read(IdentitySchema.Requests, ToPending);

    public IReadOnlyList<EnrolmentTokenRecord> LoadTokens() => Read(IdentitySchema.Tokens, ToToken);

    public Task SaveIdentityAsync(NodeIdentityRecord identity, EnrolmentTokenRecord? usedToken = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        List<StoreOp> ops =
        [
            StoreOp.Upsert(IdentitySchema.Identities, ToDocument(identity)),
            StoreOp.Delete(IdentitySchema.Requests, identity.NodeId),
        ];
        if (usedToken is not null)
        {
            ops.Add(StoreOp.Upsert(IdentitySchema.Tokens, ToDocument(usedToken)));
        }

        return _engine.Enqueue([.. ops]);
    }

    public Task RemoveIdentityAsync(string nodeId) =>
        _engine.Enqueue(
            StoreOp.Delete(IdentitySchema.Identities, nodeId), StoreOp.Delete(IdentitySchema.Requests, nodeId), StoreOp.Delete(IdentitySchema.Rotations, nodeId));

    public Task SavePendingAsync(PendingEnrolment pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var document = new BsonDocument
        {
            ["_id"] = pending.NodeId,
            ["at"] = pending.ReceivedAt.UtcTicks,
            ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(pending.Request)),
            ["reason"] = pending.Reason.ToString(),
        };
        if (pending.Note is not null)
        {
            document["note"] = pending.Note;
        }

        return _engine.Enqueue(StoreOp.Upsert(IdentitySchema.Requests, document));
    }

    public Task RemovePendingAsync(string nodeId) => _engine.Enqueue(StoreOp.Delete(IdentitySchema.Requests, nodeId));

    public Task SaveTokenAsync(EnrolmentTokenRecord token) => _engine.Enqueue(StoreOp.Upsert(IdentitySchema.Tokens, ToDocument(token)));

    public IReadOnlyList<IdentityRotation> LoadRotations() => Read(IdentitySchema.Rotations, ToRotation);

    public Task SaveRotationAsync(IdentityRotation rotation)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        var document = new BsonDocument
        {
            ["_id"] = rotation.NodeId,
            ["commandId"] = rotation.CommandId,
            ["at"] = rotation.RequestedAt.UtcTicks,
            ["by"] = rotation.RequestedBy,
            ["oldFingerprint"] = rotation.OldFingerprint,
        };
        if (rotation.ExpectedFingerprint is { } expected)
        {
            document["expectedFingerprint"] = expected;
        }

        return _engine.Enqueue(StoreOp.Upsert(IdentitySchema.Rotations, document));
    }

    public Task RemoveRotationAsync(string nodeId) => _engine.Enqueue(StoreOp.Delete(IdentitySchema.Rotations, nodeId));

    public Task SaveRotatedIdentityAsync(NodeIdentityRecord identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return _engine.Enqueue(
            StoreOp.Upsert(IdentitySchema.Identities, ToDocument(identity)),
            StoreOp.Delete(IdentitySchema.Requests, identity.NodeId),
            StoreOp.Delete(IdentitySchema.Rotations, identity.NodeId));
    }

    private List<T> Read<T>(string collection, Func<BsonDocument, T> convert)
    {
        var records = new List<T>();
        foreach (var document in _engine.Reads.FindAll(collection))
        {
            try
            {
                records.Add(convert(document));
            }
            catch (Exception exception) when (exception is InvalidCastException or ArgumentException or FormatException or KeyNotFoundException)
            {
                _logger.LogWarning("Skipping unreadable {Collection} document {Id}: {Message}", collection, document["_id"], exception.Message);
            }
        }

        return records;
    }

    private static BsonDocument ToDocument(NodeIdentityRecord identity)
    {
        var hardware = new BsonDocument { ["model"] = identity.Hardware.Model, ["simulated"] = identity.Hardware.Simulated };
        if (identity.Hardware.Serial is { } serial)
        {
            hardware["serial"] = serial;
        }

        if (identity.Hardware.Os is { } os)
        {
            hardware["os"] = os;
        }

        var document = new BsonDocument
        {
            ["_id"] = identity.NodeId,
            ["publicKey"] = identity.PublicKey,
            ["fingerprint"] = identity.Fingerprint,
            ["passwordHash"] = identity.PasswordHash,
            ["zones"] = Strings(identity.ApprovedZones),
            ["declaredZones"] = Strings(identity.DeclaredZones),
            ["hardware"] = hardware,
            ["software"] = identity.Software,
            ["status"] = identity.Status.ToString(),
            ["enrolledAt"] = identity.EnrolledAt.UtcTicks,
            ["enrolledBy"] = identity.EnrolledBy,
            ["via"] = identity.Via,
            ["changedAt"] = identity.ChangedAt.UtcTicks,
        };
        if (identity.RotatedAt is { } rotatedAt)
        {
            document["rotatedAt"] = rotatedAt.UtcTicks;
        }

        return document;
    }

    private static NodeIdentityRecord ToIdentity(BsonDocument document)
    {
        var hardware = document["hardware"].AsDocument;
        return new NodeIdentityRecord(
            document["_id"].AsString,
            document["publicKey"].AsString,
            document["fingerprint"].AsString,
            document["passwordHash"].AsString,
            Strings(document["zones"]),
            Strings(document["declaredZones"]),
            new HardwareProfile
            {
                Model = hardware["model"].AsString,
                Serial = hardware.TryGetValue("serial", out var serial) ? serial.AsString : null,
                Os = hardware.TryGetValue("os", out var os) ? os.AsString : null,
                Simulated = hardware["simulated"].AsBoolean,
            },
            document["software"].AsString,
            Enum.Parse<IdentityStatus>(document["status"].AsString),
            FromTicks(document["enrolledAt"]),
            document["enrolledBy"].AsString,
            document["via"].AsString,
            FromTicks(document["changedAt"]),
            document.TryGetValue("rotatedAt", out var rotatedAt) ? FromTicks(rotatedAt) : null);
    }

    private static IdentityRotation ToRotation(BsonDocument document) => new(
        document["_id"].AsString,
        document["commandId"].AsString,
        FromTicks(document["at"]),
        document["by"].AsString,
        document["oldFingerprint"].AsString,
        document.TryGetValue("expectedFingerprint", out var expected) ? expected.AsString : null);

    private static PendingEnrolment ToPending(BsonDocument document)
    {
        var decoded = WireCodec.Decode<EnrolmentRequest>(Encoding.UTF8.GetBytes(document["json"].AsString));
        if (!decoded.Succeeded)
        {
            throw new FormatException($"the stored request does not decode: {decoded.Detail}");
        }

        return new PendingEnrolment(
            document["_id"].AsString,
            FromTicks(document["at"]),
            decoded.Message!,
            Enum.Parse<HoldReason>(document["reason"].AsString),
            document.TryGetValue("note", out var note) ? note.AsString : null);
    }

    private static BsonDocument ToDocument(EnrolmentTokenRecord token) => new()
    {
        ["_id"] = token.Id,
        ["secret"] = token.Secret,
        ["digest"] = token.SecretDigest,
        ["expires"] = token.Expires.UtcTicks,
        ["zones"] = Strings(token.Zones),
        ["maxUses"] = token.MaxUses,
        ["uses"] = token.Uses,
        ["createdAt"] = token.CreatedAt.UtcTicks,
        ["createdBy"] = token.CreatedBy,
        ["revoked"] = token.Revoked,
    };

    private static EnrolmentTokenRecord ToToken(BsonDocument document) => new(
        document["_id"].AsString,
        document["secret"].AsString,
        document["digest"].AsString,
        FromTicks(document["expires"]),
        Strings(document["zones"]),
        document["maxUses"].AsInt32,
        document["uses"].AsInt32,
        FromTicks(document["createdAt"]),
        document["createdBy"].AsString,
        document["revoked"].AsBoolean);

    private static BsonArray Strings(IEnumerable<string> values) => new(values.Select(value => new BsonValue(value)));

    private static string[] Strings(BsonValue value) => [.. value.AsArray.Select(item => item.AsString)];

    private static DateTimeOffset FromTicks(BsonValue value) => new(value.AsInt64, TimeSpan.Zero);
}
