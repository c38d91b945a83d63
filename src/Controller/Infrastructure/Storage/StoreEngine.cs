using LiteDB;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// The store engine shared by features (docs/storage.md): the one LiteDB file, its lock, the single writer with group
/// commit, the journal and its replay, the durability point and the status. Features never touch LiteDB's writes:
/// each registers its collections (<see cref="IStoreSchema"/>), writes through <see cref="Enqueue"/> and reads
/// through <see cref="Reads"/> from a repository of its own.
/// </summary>
internal sealed class StoreEngine : IDisposable
{
    private readonly StoreLock _lock;
    private readonly LiteDatabase _database;
    private readonly StoreWriter _writer;
    private readonly StoreCatalog _catalog;
    private readonly StoreOptions _options;
    private readonly ILogger<StoreEngine> _logger;
    private readonly string _path;
    private readonly Lock _closing = new();
    private bool _closed;

    public StoreEngine(
        IOptions<StoreOptions> options,
        IEnumerable<IStoreSchema> schemas,
        StoreFileSystem fileSystem,
        ControllerMetrics metrics,
        TimeProvider timeProvider,
        ILogger<StoreEngine> logger)
    {
        _options = options.Value;
        _logger = logger;
        _catalog = new StoreCatalog(schemas);
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
            Reads = new StoreReader(_database);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    /// <summary>Whether writes succeed and whether the store started degraded.</summary>
    public StoreStatus Status { get; }

    /// <summary>Reads of committed data, on the caller's thread.</summary>
    public StoreReader Reads { get; }

    /// <summary>
    /// Queues writes, in call order, to the one writer; they are applied in one transaction with whatever else is
    /// pending. The task completes only after that batch reached the durability point, so an acknowledgement sent
    /// after awaiting it survives a SIGKILL or a power cut; a failed task means nothing of it may be acknowledged.
    /// Its value is false only for a numbered insert whose unique field was already stored.
    /// </summary>
    /// <exception cref="ArgumentException">An op names a collection no feature registered.</exception>
    public Task<bool> Enqueue(params StoreOp[] ops) => _writer.Enqueue(ops);

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
        var database = StoreOpener.Open(_path, _catalog, timeProvider, _logger, out var degraded);
        for (var attempt = 1; ; attempt++)
        {
            var journal = new WriteJournal(OpenJournal(fileSystem, database));
            try
            {
                var writer = new StoreWriter(database, _catalog, journal, _options, () => fileSystem.FreeBytes(directory), Status, metrics, _logger);
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
                database = StoreOpener.Recover(_path, _catalog, damage, timeProvider, _logger, out var recovered);
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
}
