using System.Globalization;
using LiteDB;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// Opens the LiteDB file, and decides what to do when it cannot be used: a file from a newer schema is refused
/// untouched; a damaged one is rebuilt by LiteDB if it can be, else moved aside so the controller starts empty
/// (loudly) instead of crash-looping on it.
/// </summary>
internal static class StoreOpener
{
    /// <summary>Schema of the documents this build writes: 2 = node-keyed health/events, hourly aggregates, journal.</summary>
    public const int SchemaVersion = 2;

    /// <summary>Opens the store at <paramref name="path"/>; <paramref name="degraded"/> says why it started degraded, if it did.</summary>
    public static LiteDatabase Open(string path, TimeProvider timeProvider, ILogger logger, out string? degraded)
    {
        degraded = null;
        LiteDatabase? database = null;
        try
        {
            CheckLength(path);
            database = Connect(path);
            CheckSchema(database, path);
            Validate(database);
            return Prepared(database);
        }
        catch (StoreSchemaTooNewException refusal)
        {
            database?.Dispose();
            logger.LogCritical("{Message}", refusal.Message);
            throw;
        }
        catch (UnauthorizedAccessException denied)
        {
            // A file of another user is not damage: moving it aside would start an empty store over a good one.
            database?.Dispose();
            var refusal = new StoreAccessDeniedException(path, denied);
            logger.LogCritical("{Message}", refusal.Message);
            throw refusal;
        }
#pragma warning disable CA1031 // Any failure to read the file is treated as damage: the policy below handles every kind.
        catch (Exception damage)
#pragma warning restore CA1031
        {
            return Damaged(path, damage, database, timeProvider, logger, out degraded);
        }
    }

    /// <summary>
    /// Recovers a store found damaged after it was opened (journal replay met a page LiteDB cannot use): the same
    /// policy as at opening, so the damage is reported and the file rebuilt or moved aside, never written further.
    /// </summary>
    public static LiteDatabase Recover(string path, Exception damage, TimeProvider timeProvider, ILogger logger, out string degraded)
    {
        LiteDatabase? database = null;
        try
        {
            // LiteDB marked the file for rebuild when it met the damage, so opening may already rebuild it.
            database = Connect(path);
        }
#pragma warning disable CA1031 // A file that cannot even be opened is moved aside by the policy below.
        catch (Exception)
#pragma warning restore CA1031
        {
            database = null;
        }

        return Damaged(path, damage, database, timeProvider, logger, out degraded);
    }

    private static LiteDatabase Damaged(string path, Exception damage, LiteDatabase? database, TimeProvider timeProvider, ILogger logger, out string degraded)
    {
        logger.LogCritical(damage, "The store {Path} is damaged; trying LiteDB's rebuild", path);
        if (database is not null && TryRebuild(database, path, logger))
        {
            degraded = $"the store file was damaged ({damage.Message}) and was rebuilt by LiteDB; records it could not read are in its _rebuild_errors collection";
            return Prepared(database);
        }

        database?.Dispose();
        var aside = MoveAside(path, timeProvider);
        degraded = $"the store file was damaged ({damage.Message}) and could not be rebuilt; it was moved to {aside} and the controller started with an empty store";
        logger.LogCritical("{Reason}", degraded);
        var fresh = Connect(path);
        CheckSchema(fresh, path);
        return Prepared(fresh);
    }

    /// <summary>
    /// A truncated file can open and read "fine" up to where it ends, silently missing the rest; LiteDB's header
    /// (page 0) records the last page id, so a file shorter than that is known to be cut. Offsets are those of
    /// LiteDB 5's HeaderPage: the "** This is a LiteDB file **" marker at 32, the last page id (uint32) at 64.
    /// </summary>
    private static void CheckLength(string path)
    {
        const int PageSize = 8192;
        if (!File.Exists(path))
        {
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var header = new byte[68];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length
            || System.Text.Encoding.ASCII.GetString(header, 32, 27) != "** This is a LiteDB file **")
        {
            throw new InvalidDataException($"{path} does not start with a LiteDB header");
        }

        var lastPage = BitConverter.ToUInt32(header, 64);
        if (file.Length < (lastPage + 1L) * PageSize)
        {
            throw new InvalidDataException($"{path} is {file.Length} bytes but its header counts {lastPage + 1} pages of {PageSize}: it was truncated");
        }
    }

    private static LiteDatabase Connect(string path) =>
        new(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, AutoRebuild = true });

    private static void CheckSchema(LiteDatabase database, string path)
    {
        var meta = database.GetCollection(StoreCollections.Meta);
        var schema = meta.FindById(StoreCollections.SchemaKey);
        var version = schema is null ? 0 : schema["version"].AsInt32;
        if (version > SchemaVersion)
        {
            throw new StoreSchemaTooNewException(path, version, SchemaVersion);
        }

        if (version < SchemaVersion)
        {
            Migrate(database);
            meta.Upsert(new BsonDocument { ["_id"] = StoreCollections.SchemaKey, ["version"] = SchemaVersion });
            database.Checkpoint();
        }
    }

    /// <summary>Schema 1 (no meta document) keyed health and events by number; re-key them by node and time/order.</summary>
    private static void Migrate(LiteDatabase database)
    {
        foreach (var (name, keyOf) in new (string, Func<BsonDocument, long, string>)[]
        {
            (StoreCollections.Health, (document, _) => StoreCollections.NodeKey(document["node"].AsString, document["at"].AsInt64)),
            (StoreCollections.Events, (document, seq) => StoreCollections.NodeKey(document["node"].AsString, seq)),
        })
        {
            var collection = database.GetCollection(name);
            var old = collection.Find(Query.All("_id", Query.Ascending)).Where(document => !document["_id"].IsString).ToList();
            if (old.Count == 0)
            {
                continue;
            }

            database.DropCollection(name);
            collection = database.GetCollection(name);
            long seq = 0;
            foreach (var document in old)
            {
                document["_id"] = keyOf(document, ++seq);
                if (name == StoreCollections.Events)
                {
                    document["seq"] = seq;
                }

                collection.Upsert(document);
            }

            if (name == StoreCollections.Events)
            {
                database.GetCollection(StoreCollections.Meta).Upsert(new BsonDocument { ["_id"] = StoreCollections.EventSeqKey, ["value"] = seq });
            }
        }
    }

    /// <summary>Reads what the controller reads at start and the indexes it relies on, so damage shows now, not later.</summary>
    private static void Validate(LiteDatabase database)
    {
        foreach (var name in database.GetCollectionNames().ToList())
        {
            var collection = database.GetCollection(name);
            _ = collection.Count();
            if (name is StoreCollections.Meta or StoreCollections.Nodes)
            {
                _ = collection.FindAll().ToList();
            }
        }
    }

    private static LiteDatabase Prepared(LiteDatabase database)
    {
        database.GetCollection(StoreCollections.Health).EnsureIndex("at", "$.at");
        database.GetCollection(StoreCollections.HealthHourly).EnsureIndex("at", "$.at");
        database.GetCollection(StoreCollections.Events).EnsureIndex("key", "$.key", unique: true);
        database.GetCollection(StoreCollections.Acks, BsonAutoId.Int64).EnsureIndex("node", "$.node");
        database.GetCollection(StoreCollections.Commands).EnsureIndex("at", "$.at");
        return database;
    }

    private static bool TryRebuild(LiteDatabase database, string path, ILogger logger)
    {
        try
        {
            database.Rebuild();
            CheckSchema(database, path);
            Validate(database);
            logger.LogCritical("The store {Path} was rebuilt by LiteDB after damage", path);
            return true;
        }
        catch (StoreSchemaTooNewException)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed rebuild is one outcome of the policy: the file is moved aside next.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logger.LogCritical("LiteDB could not rebuild the store {Path}: {Message}", path, exception.Message);
            return false;
        }
    }

    private static string MoveAside(string path, TimeProvider timeProvider)
    {
        var stamp = timeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var aside = $"{path}.damaged-{stamp}";
        File.Move(path, aside, overwrite: true);
        var log = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));
        if (File.Exists(log))
        {
            File.Move(log, aside + "-log", overwrite: true);
        }

        return aside;
    }
}
