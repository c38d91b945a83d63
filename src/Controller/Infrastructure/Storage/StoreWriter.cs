using System.Collections.Concurrent;
using System.Diagnostics;
using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// The store's only writer: one thread drains a queue, applies everything pending as one LiteDB transaction (group
/// commit), reaches the durability point once for the whole batch, and only then completes the writes' tasks, which
/// is when acknowledgements may go out. LiteDB transactions are bound to a thread, so nothing here awaits. It knows
/// no feature: ops are generic (<see cref="StoreOpKind"/>), and numbering and replay follow the
/// <see cref="StoreCatalog"/> the features registered.
/// </summary>
internal sealed class StoreWriter : IDisposable
{
    private readonly ILiteDatabase _database;
    private readonly StoreCatalog _catalog;
    private readonly WriteJournal _journal;
    private readonly StoreOptions _options;
    private readonly Func<long> _freeBytes;
    private readonly StoreStatus _status;
    private readonly ControllerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly BlockingCollection<PendingWrite> _queue = new();
    private readonly Thread _thread;
    private readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);
    private bool _foldFailing;

    public StoreWriter(
        ILiteDatabase database,
        StoreCatalog catalog,
        WriteJournal journal,
        StoreOptions options,
        Func<long> freeBytes,
        StoreStatus status,
        ControllerMetrics metrics,
        ILogger logger)
    {
        _database = database;
        _catalog = catalog;
        _journal = journal;
        _options = options;
        _freeBytes = freeBytes;
        _status = status;
        _metrics = metrics;
        _logger = logger;
        ReadCounters();
        Replay();
        _thread = new Thread(Run) { Name = "store-writer", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Queues writes; the task completes after their durability point, or fails and nothing was acknowledged.</summary>
    /// <exception cref="ArgumentException">An op names a collection no feature registered.</exception>
    public Task<bool> Enqueue(params StoreOp[] ops)
    {
        foreach (var op in ops)
        {
            if (_catalog.Find(op.Collection) is not { } collection)
            {
                throw new ArgumentException($"The store collection '{op.Collection}' is not registered by any feature (IStoreSchema).", nameof(ops));
            }

            if (op.Kind == StoreOpKind.InsertNumberedIfNew && collection.Numbering is null)
            {
                throw new ArgumentException($"The store collection '{op.Collection}' is not numbered (StoreCollection.Numbering).", nameof(ops));
            }
        }

        var pending = new PendingWrite(ops);
        try
        {
            _queue.Add(pending);
        }
        catch (InvalidOperationException)
        {
            pending.Done.SetException(new ObjectDisposedException(nameof(StoreWriter), "the store is shutting down"));
        }

        return pending.Done.Task;
    }

    /// <summary>Writes what is queued, folds the journal into LiteDB and stops the thread.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        try
        {
            _database.Checkpoint();
            _journal.Reset();
        }
        catch (Exception exception) when (exception is IOException or LiteException)
        {
            _logger.LogWarning("Could not fold the journal into the store at shutdown; it is replayed at the next start: {Message}", exception.Message);
        }

        _journal.Dispose();
        _queue.Dispose();
    }

    private void Run()
    {
        var batch = new List<PendingWrite>(_options.MaxBatch);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < _options.MaxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            Write(batch);
            batch.Clear();
        }
    }

    private void Write(List<PendingWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var countersBefore = new Dictionary<string, long>(_counters, StringComparer.Ordinal);
        var results = new bool[batch.Count];
        var applied = new List<StoreOp>();
        var journalBefore = _journal.Length;
        var committed = false;
        try
        {
            var free = _freeBytes();
            if (free < _options.MinimumFreeBytes)
            {
                throw new IOException($"only {free / (1024 * 1024)} MiB free in the data folder, below Store:MinimumFreeBytes; writes are refused until space returns");
            }

            if (!_database.BeginTrans())
            {
                throw new InvalidOperationException("a store transaction was already open on the writer thread");
            }

            try
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var result = true;
                    foreach (var op in batch[i].Ops)
                    {
                        result &= Apply(op, applied);
                    }

                    results[i] = result;
                }

                foreach (var (key, value) in _counters)
                {
                    if (countersBefore.GetValueOrDefault(key) != value)
                    {
                        Apply(StoreOp.Upsert(StoreMeta.Collection, new BsonDocument { ["_id"] = key, ["value"] = value }), applied);
                    }
                }

                // The journal is written before Commit, so a failed append rolls the batch back: LiteDB never holds
                // a write the journal lacks, and a resent event is not "already stored" unless it is durable.
                if (_options.Durability == StoreDurability.Journal)
                {
                    _journal.Append(applied);
                }

                _database.Commit();
                committed = true;
            }
            catch
            {
                _database.Rollback();
                if (_journal.Length != journalBefore)
                {
                    _journal.CutBackTo(journalBefore);
                }

                throw;
            }

            AfterCommit();
        }
#pragma warning disable CA1031 // The writer thread must outlive any failure: the batch fails, nothing in it is acknowledged.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // Once committed, the numbered documents of the batch hold their numbers in LiteDB: handing them out again
            // would give the next new one an _id already stored, and every batch with a new one would fail from then on.
            if (!committed)
            {
                _counters.Clear();
                foreach (var (key, value) in countersBefore)
                {
                    _counters[key] = value;
                }
            }

            if (_status.WritesSucceed)
            {
                _logger.LogError(exception, "Store write of {Count} pending writes failed; none is acknowledged (senders resend)", batch.Count);
            }

            _status.WriteFailed(exception.Message);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(exception);
            }

            return;
        }

        if (!_status.WritesSucceed)
        {
            _logger.LogWarning("Store writes succeed again");
        }

        _status.WriteSucceeded();
        _metrics.StoreBatch.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(results[i]);
        }
    }

    /// <summary>
    /// Completes the durability point after Commit: a checkpoint (Checkpoint mode), or folding a grown journal into
    /// LiteDB (Journal mode, whose durability point was the append).
    /// </summary>
    private void AfterCommit()
    {
        switch (_options.Durability)
        {
            case StoreDurability.Checkpoint:
                _database.Checkpoint();
                break;
            case StoreDurability.Journal when _journal.Length > _options.JournalCheckpointBytes:
                FoldJournal();
                break;
            default:
                // Commit only: LiteDB's writer thread writes and fsyncs the log later. Not durable; the benchmark baseline.
                break;
        }
    }

    /// <summary>
    /// Folds the journal into LiteDB: the checkpoint fsyncs LiteDB's log and data file, so the journal's content is
    /// no longer needed. A failure here (a full disk under the checkpoint, an I/O error truncating the journal) does
    /// not fail the batch: its durability point was the journal's fsync, and the journal keeps every batch until a
    /// later fold succeeds (replay is idempotent), so it is a warning, logged once until a fold succeeds again.
    /// </summary>
    private void FoldJournal()
    {
        try
        {
            _database.Checkpoint();
            _journal.Reset();
            if (_foldFailing)
            {
                _foldFailing = false;
                _logger.LogInformation("The journal is folded into the store again");
            }
        }
        catch (Exception exception) when (exception is IOException or LiteException)
        {
            if (!_foldFailing)
            {
                _foldFailing = true;
                _logger.LogWarning("Could not fold the journal into the store; it keeps the writes and the fold is tried again after the next batch: {Message}", exception.Message);
            }
        }
    }

    /// <summary>Applies one op inside the open transaction; false only for a numbered document that was already stored.</summary>
    private bool Apply(StoreOp op, List<StoreOp> applied)
    {
        var collection = _database.GetCollection(op.Collection);
        switch (op.Kind)
        {
            case StoreOpKind.Upsert:
                collection.Upsert(op.Document!);
                applied.Add(op);
                return true;
            case StoreOpKind.InsertNumberedIfNew:
            {
                var numbering = _catalog.Find(op.Collection)!.Numbering!;
                var document = op.Document!;
                if (collection.Exists(Query.EQ(numbering.UniqueField, document[numbering.UniqueField])))
                {
                    return false;
                }

                // Numbered here, in the one writer, so numbers follow the order of storing and never repeat.
                var numbered = new BsonDocument(document);
                var seq = _counters.GetValueOrDefault(numbering.CounterKey) + 1;
                _counters[numbering.CounterKey] = seq;
                numbered[numbering.NumberField] = seq;
                numbered["_id"] = numbering.IdOf(document, seq);
                collection.Insert(numbered);
                applied.Add(StoreOp.Upsert(op.Collection, numbered));
                return true;
            }

            case StoreOpKind.DeleteBefore:
                collection.DeleteMany(Query.LT("at", op.Before));
                applied.Add(op);
                return true;
            case StoreOpKind.Delete:
                collection.Delete(op.Document!["_id"]);
                applied.Add(op);
                return true;
            default:
                throw new InvalidOperationException($"unknown store op {op.Kind}");
        }
    }

    /// <summary>
    /// Re-applies the journal after a crash, then folds it into LiteDB and empties it. Every batch since the last fold
    /// is in the journal, in order, and LiteDB holds some prefix of them (a batch is appended before it is committed,
    /// and a rolled-back one is cut out), so applying them all again in order ends in the state after the last one,
    /// whatever prefix LiteDB kept; the journal is emptied only after the checkpoint, so a crash during replay just
    /// replays again. A <see cref="LiteException"/> here means LiteDB found the file damaged (it then closes itself
    /// and marks the file for rebuild): it goes to the caller, which reports the damage and recovers the file.
    /// </summary>
    private void Replay()
    {
        var batches = _journal.ReadAll();
        if (batches.Count == 0)
        {
            return;
        }

        var ops = 0;
        foreach (var batch in batches)
        {
            _database.BeginTrans();
            foreach (var op in batch)
            {
                ApplyReplayed(op);
                ops++;
            }

            _database.Commit();
        }

        _database.Checkpoint();
        _journal.Reset();
        ReadCounters();
        _logger.LogInformation("Store journal replayed: {Batches} batches, {Ops} writes", batches.Count, ops);
    }

    /// <summary>
    /// Applies a journaled op (an upsert or a delete; numbered inserts were journaled as upserts of their result). Two
    /// guards keep replay over a prefix LiteDB already holds from going backwards, both from what features declared:
    /// an upsert that would give a second document a value of a unique field already stored is skipped (that document
    /// is stored under its own number), and a counter never goes down.
    /// </summary>
    private void ApplyReplayed(StoreOp op)
    {
        var collection = _database.GetCollection(op.Collection);
        if (op.Kind == StoreOpKind.DeleteBefore)
        {
            collection.DeleteMany(Query.LT("at", op.Before));
            return;
        }

        if (op.Kind == StoreOpKind.Delete)
        {
            collection.Delete(op.Document!["_id"]);
            return;
        }

        var document = op.Document!;
        foreach (var index in _catalog.Find(op.Collection)?.Indexes ?? [])
        {
            if (index.Unique && document.TryGetValue(index.Field, out var value)
                && collection.Exists(Query.And(Query.EQ(index.Field, value), Query.Not("_id", document["_id"]))))
            {
                return;
            }
        }

        if (op.Collection == StoreMeta.Collection && _catalog.IsCounter(document["_id"])
            && collection.FindById(document["_id"]) is { } stored && stored["value"].AsInt64 > document["value"].AsInt64)
        {
            return;
        }

        collection.Upsert(document);
    }

    private void ReadCounters()
    {
        _counters.Clear();
        foreach (var numbering in _catalog.Collections.Select(collection => collection.Numbering).OfType<StoreNumbering>())
        {
            _counters[numbering.CounterKey] = _database.GetCollection(StoreMeta.Collection).FindById(numbering.CounterKey) is { } document ? document["value"].AsInt64 : 0;
        }
    }
}
