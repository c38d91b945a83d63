using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Accounts.Storage;

/// <summary>
/// The accounts over the store engine (docs/storage.md, "How a feature adds its repository"): documents built by
/// hand, instants as UTC ticks. An ended session is deleted; a revoked token stays, marked, so its owner can see it.
/// </summary>
internal sealed class AccountRepository : IAccountStore
{
    private readonly StoreEngine _engine;
    private readonly ILogger<AccountRepository> _logger;

    public AccountRepository(StoreEngine engine, ILogger<AccountRepository> logger)
    {
        _engine = engine;
        _logger = logger;
    }

    public IReadOnlyList<UserRecord> LoadUsers() => Load(AccountsSchema.Users, document => new UserRecord(
        document["_id"].AsString,
        document["displayName"].AsString,
        document["passwordHash"].AsString,
        Strings(document["roles"]),
        document["disabled"].AsBoolean,
        document["failedAttempts"].AsInt32,
        OptionalTicks(document, "lockedUntil"),
        FromTicks(document["createdAt"]),
        FromTicks(document["changedAt"])));

    public IReadOnlyList<SessionRecord> LoadSessions() => Load(AccountsSchema.Sessions, document => new SessionRecord(
        document["_id"].AsString,
        document["secretHash"].AsString,
        document["user"].AsString,
        FromTicks(document["createdAt"]),
        FromTicks(document["lastSeenAt"]),
        document.TryGetValue("client", out var client) && client.IsString ? client.AsString : null));

    public IReadOnlyList<ApiTokenRecord> LoadTokens() => Load(AccountsSchema.Tokens, document => new ApiTokenRecord(
        document["_id"].AsString,
        document["secretHash"].AsString,
        document["owner"].AsString,
        document["name"].AsString,
        Strings(document["roles"]),
        FromTicks(document["createdAt"]),
        FromTicks(document["expiresAt"]),
        OptionalTicks(document, "revokedAt")));

    public Task SaveAsync(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var document = new BsonDocument
        {
            ["_id"] = user.Name,
            ["displayName"] = user.DisplayName,
            ["passwordHash"] = user.PasswordHash,
            ["roles"] = new BsonArray(user.Roles.Select(role => new BsonValue(role))),
            ["disabled"] = user.Disabled,
            ["failedAttempts"] = user.FailedAttempts,
            ["createdAt"] = user.CreatedAt.UtcTicks,
            ["changedAt"] = user.ChangedAt.UtcTicks,
        };
        if (user.LockedUntil is { } lockedUntil)
        {
            document["lockedUntil"] = lockedUntil.UtcTicks;
        }

        return _engine.Enqueue(StoreOp.Upsert(AccountsSchema.Users, document));
    }

    public Task SaveAsync(SessionRecord session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var document = new BsonDocument
        {
            ["_id"] = session.Id,
            ["secretHash"] = session.SecretHash,
            ["user"] = session.UserName,
            ["createdAt"] = session.CreatedAt.UtcTicks,
            ["lastSeenAt"] = session.LastSeenAt.UtcTicks,
        };
        if (session.ClientAddress is not null)
        {
            document["client"] = session.ClientAddress;
        }

        return _engine.Enqueue(StoreOp.Upsert(AccountsSchema.Sessions, document));
    }

    public Task DeleteSessionAsync(string sessionId) => _engine.Enqueue(StoreOp.Delete(AccountsSchema.Sessions, sessionId));

    public Task SaveAsync(ApiTokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var document = new BsonDocument
        {
            ["_id"] = token.Id,
            ["secretHash"] = token.SecretHash,
            ["owner"] = token.Owner,
            ["name"] = token.Name,
            ["roles"] = new BsonArray(token.Roles.Select(role => new BsonValue(role))),
            ["createdAt"] = token.CreatedAt.UtcTicks,
            ["expiresAt"] = token.ExpiresAt.UtcTicks,
        };
        if (token.RevokedAt is { } revokedAt)
        {
            document["revokedAt"] = revokedAt.UtcTicks;
        }

        return _engine.Enqueue(StoreOp.Upsert(AccountsSchema.Tokens, document));
    }

    private List<T> Load<T>(string collection, Func<BsonDocument, T> read)
    {
        var records = new List<T>();
        foreach (var document in _engine.Reads.FindAll(collection))
        {
            try
            {
                records.Add(read(document));
            }
            catch (Exception exception) when (exception is InvalidCastException or ArgumentException or KeyNotFoundException)
            {
                _logger.LogWarning("Skipping unreadable stored {Collection} document {Document}: {Message}", collection, document["_id"], exception.Message);
            }
        }

        return records;
    }

    private static string[] Strings(BsonValue value) => [.. value.AsArray.Select(item => item.AsString)];

    private static DateTimeOffset FromTicks(BsonValue value) => new(value.AsInt64, TimeSpan.Zero);

    private static DateTimeOffset? OptionalTicks(BsonDocument document, string field) =>
        document.TryGetValue(field, out var value) && value.IsInt64 ? FromTicks(value) : null;
}
