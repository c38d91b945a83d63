using System.Globalization;
using LiteDB;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// Opens the LiteDB file, and decides what to do when it cannot be used: a file from a newer schema is refused
/// untouched; a damaged one is rebuilt by LiteDB if it can be, else moved aside so the controller starts empty
/// (loudly) instead of crash-looping on it.
/// </summary>
internal static class StoreOpener
{
    /// <summary>
    /// Schema of the documents this build writes, one number for the whole file: 2 = node-keyed health/events, hourly
    /// aggregates, journal. A feature that changes the shape of documents already stored raises it and migrates its
    /// own (<see cref="IStoreSchema.Migrate"/>); a feature that only adds collections does not.
    /// </summary>
    public const int SchemaVersion = 2;

    /// <summary>Opens the store at <paramref name="path"/>; <paramref name="degraded"/> says why it started degraded, if it did.</summary>
    public static LiteDatabase Open(string path, StoreCatalog catalog, TimeProvider timeProvider, ILogger logger, out string? degraded)
    {
        degraded = null;
        LiteDatabase? database = null;
        try
        {
            CheckLength(path);
            database = Connect(path);
            CheckSchema(database, catalog, path);
            Validate(database, catalog);
            return Prepared(database, catalog);
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
            return Damaged(path, catalog, damage, database, timeProvider, logger, out degraded);
        }
    }

    /// <summary>
    /// Recovers a store found damaged after it was opened (journal replay met a page LiteDB cannot use): the same
    /// policy as at opening, so the damage is reported and the file rebuilt or moved aside, never written further.
    /// </summary>
    public static LiteDatabase Recover(string path, StoreCatalog catalog, Exception damage, TimeProvider timeProvider, ILogger logger, out string degraded)
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

        return Damaged(path, catalog, damage, database, timeProvider, logger, out degraded);
    }

    private static LiteDatabase Damaged(string path, StoreCatalog catalog, Exception damage, LiteDatabase? database, TimeProvider timeProvider, ILogger logger, out string degraded)
    {
        logger.LogCritical(damage, "The store {Path} is damaged; trying LiteDB's rebuild", path);
        if (database is not null && TryRebuild(database, catalog, path, logger))
        {
            degraded = $"the store file was damaged ({damage.Message}) and was rebuilt by LiteDB; records it could not read are in its _rebuild_errors collection";
            return Prepared(database, catalog);
        }

        database?.Dispose();
        var aside = MoveAside(path, timeProvider);
        degraded = $"the store file was damaged ({damage.Message}) and could not be rebuilt; it was moved to {aside} and the controller started with an empty store";
        logger.LogCritical("{Reason}", degraded);
        var fresh = Connect(path);
        CheckSchema(fresh, catalog, path);
        return Prepared(fresh, catalog);
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

    private static void CheckSchema(LiteDatabase database, StoreCatalog catalog, string path)
    {
        var meta = database.GetCollection(StoreMeta.Collection);
        var schema = meta.FindById(StoreMeta.SchemaKey);
        var version = schema is null ? 0 : schema["version"].AsInt32;
        if (version > SchemaVersion)
        {
            throw new StoreSchemaTooNewException(path, version, SchemaVersion);
        }

        if (version < SchemaVersion)
        {
            catalog.Migrate(database, version);
            meta.Upsert(new BsonDocument { ["_id"] = StoreMeta.SchemaKey, ["version"] = SchemaVersion });
            database.Checkpoint();
        }
    }

    /// <summary>Reads what the features read at start and the indexes they rely on, so damage shows now, not later.</summary>
    private static void Validate(LiteDatabase database, StoreCatalog catalog)
    {
        foreach (var name in database.GetCollectionNames().ToList())
        {
            var collection = database.GetCollection(name);
            _ = collection.Count();
            if (catalog.Find(name) is { ReadWholeAtStart: true })
            {
                _ = collection.FindAll().ToList();
            }
        }
    }

    /// <summary>Ensures every index the features declared (LiteDB creates a missing collection on first write).</summary>
    private static LiteDatabase Prepared(LiteDatabase database, StoreCatalog catalog)
    {
        foreach (var collection in catalog.Collections)
        {
            foreach (var index in collection.Indexes)
            {
                database.GetCollection(collection.Name).EnsureIndex(index.Field, "$." + index.Field, index.Unique);
            }
        }

        return database;
    }

    private static bool TryRebuild(LiteDatabase database, StoreCatalog catalog, string path, ILogger logger)
    {
        try
        {
            database.Rebuild();
            CheckSchema(database, catalog, path);
            Validate(database, catalog);
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
