using SmartLoudspeaker.Controller.Commands.Storage;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// Issued commands and their outcomes, stored through the store's single writer (collection <c>commands</c>,
/// docs/storage.md) and indexed in memory. The newest <see cref="Capacity"/> are read back at start, so after a
/// restart — a SIGKILL included — every accepted command is known again: pending ones are resent, expired ones show
/// as unanswered. Older ones are read from the store when asked for by id. Thread-safe.
/// </summary>
internal sealed class DurableCommandLog : ICommandLog
{
    /// <summary>Most commands indexed in memory; the oldest leave the index first (they stay in the store).</summary>
    public const int Capacity = 10_000;

    private readonly ICommandStore _store;
    private readonly LinkedList<CommandRecord> _newestFirst = new();
    private readonly Dictionary<string, CommandRecord> _byId = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>
    /// Held while a record's snapshot is taken and queued: snapshots then reach the writer in the order they were
    /// taken, so an older state of a command never replaces a newer one.
    /// </summary>
    private readonly Lock _saving = new();

    public DurableCommandLog(ICommandStore store, TimeProvider timeProvider, ILogger<DurableCommandLog> logger)
    {
        _store = store;

        // Oldest first into a newest-first list. Issue times can tie (a burst, a fake clock); the first sequence
        // number orders issues strictly, across restarts too.
        foreach (var stored in store.RecentCommands(Capacity).OrderBy(command => command.Command.Seq))
        {
            var record = CommandRecord.Restore(stored);
            _newestFirst.AddFirst(record);
            _byId[record.Id] = record;
        }

        if (_newestFirst.Count > 0)
        {
            logger.LogInformation(
                "Command log: {Count} commands read from the store, {Unexpired} of them not yet expired",
                _newestFirst.Count,
                Unexpired(timeProvider.GetUtcNow()).Count);
        }
    }

    public event Action<CommandRecord>? Changed;

    public async Task AddAsync(CommandRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        await QueueAsync(record);
        lock (_gate)
        {
            _newestFirst.AddFirst(record);
            _byId[record.Id] = record;
            if (_newestFirst.Count > Capacity)
            {
                _byId.Remove(_newestFirst.Last!.Value.Id);
                _newestFirst.RemoveLast();
            }
        }

        Changed?.Invoke(record);
    }

    public Task SaveAsync(CommandRecord record)
    {
        var saved = QueueAsync(record);
        Changed?.Invoke(record);
        return saved;
    }

    private Task QueueAsync(CommandRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_saving)
        {
            // Queued synchronously inside the lock; the durability point is awaited by the caller, outside it.
            return _store.SaveCommandAsync(record.ToStored());
        }
    }

    public CommandRecord? Find(string commandId)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(commandId, out var record))
            {
                return record;
            }
        }

        return _store.FindCommand(commandId) is { } stored ? CommandRecord.Restore(stored) : null;
    }

    public IReadOnlyList<CommandRecord> ForNode(string nodeId, int limit)
    {
        lock (_gate)
        {
            return _newestFirst.Where(record => record.Involves(nodeId)).Take(limit).ToList();
        }
    }

    public IReadOnlyList<CommandRecord> Unexpired(DateTimeOffset now)
    {
        lock (_gate)
        {
            // Newest first, stopping at the first expired one would be wrong: lifetimes differ per command.
            return _newestFirst.Where(record => record.Command.Exp >= now).Reverse().ToList();
        }
    }
}
