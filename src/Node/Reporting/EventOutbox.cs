using SmartLoudspeaker.Node.Storage;

namespace SmartLoudspeaker.Node.Reporting;

/// <summary>
/// Events not yet acknowledged by the controller, oldest first, bounded: a node cut off for days keeps the newest
/// <see cref="Capacity"/> events rather than running out of memory or disk. With a journal, every change is recorded
/// in the node's data folder, so the events outlive a restart or a power cut. Thread-safe.
/// </summary>
internal sealed class EventOutbox : IDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<PendingEvent> _order = new();
    private readonly Dictionary<string, LinkedListNode<PendingEvent>> _byId = new(StringComparer.Ordinal);
    private readonly EventJournal? _journal;
    private readonly ILogger? _logger;

    /// <summary>Creates an outbox in memory only, holding at most <paramref name="capacity"/> events.</summary>
    public EventOutbox(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>
    /// Creates an outbox kept in <paramref name="journal"/>, starting with the events it <paramref name="recovered"/>
    /// (the newest <paramref name="capacity"/> of them). A failing disk is logged and the outbox carries on in memory:
    /// the events are then still sent, only not kept across a restart.
    /// </summary>
    public EventOutbox(int capacity, EventJournal journal, IReadOnlyList<PendingEvent> recovered, ILogger logger)
        : this(capacity)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(recovered);
        ArgumentNullException.ThrowIfNull(logger);
        _journal = journal;
        _logger = logger;
        foreach (var pending in recovered.Skip(Math.Max(0, recovered.Count - capacity)))
        {
            _byId[pending.Id] = _order.AddLast(pending);
        }

        if (recovered.Count > capacity)
        {
            logger.LogWarning(
                "Event outbox {Path}: {Count} events recovered, over the capacity of {Capacity}; the oldest {Dropped} dropped",
                journal.Path, recovered.Count, capacity, recovered.Count - capacity);
            Record(() => journal.Compact(_order));
        }
    }

    /// <summary>Most events kept.</summary>
    public int Capacity { get; }

    /// <summary>Events waiting for acknowledgement.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>Adds an event (on disk when this returns, with a journal); returns the oldest one dropped to make room, if any.</summary>
    public PendingEvent? Add(PendingEvent pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_gate)
        {
            var dropped = _order.Count >= Capacity ? _order.First?.Value : null;
            Record(() => _journal?.Added(pending, dropped));
            if (dropped is not null)
            {
                _byId.Remove(dropped.Id);
                _order.RemoveFirst();
            }

            _byId[pending.Id] = _order.AddLast(pending);
            CompactIfGrown();
            return dropped;
        }
    }

    /// <summary>Forgets the acknowledged ids; returns how many were held.</summary>
    public int Acknowledge(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_gate)
        {
            var removed = new List<string>();
            foreach (var id in ids)
            {
                if (_byId.Remove(id, out var node))
                {
                    _order.Remove(node);
                    removed.Add(id);
                }
            }

            Record(() => _journal?.Acknowledged(removed));
            CompactIfGrown();
            return removed.Count;
        }
    }

    /// <summary>True while <paramref name="id"/> waits for acknowledgement.</summary>
    public bool Contains(string id)
    {
        lock (_gate)
        {
            return _byId.ContainsKey(id);
        }
    }

    /// <summary>Events not yet sent on connection <paramref name="connection"/>, oldest first.</summary>
    public IReadOnlyList<PendingEvent> NotSentIn(long connection)
    {
        lock (_gate)
        {
            return _order.Where(pending => pending.SentInConnection != connection).ToList();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _journal?.Dispose();
        }
    }

    private void CompactIfGrown()
    {
        if (_journal is { } journal && journal.ShouldCompact(_order.Count))
        {
            Record(() => journal.Compact(_order));
        }
    }

    private void Record(Action write)
    {
        try
        {
            write();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _logger?.LogError("Event outbox {Path}: cannot write ({Error}); events are kept in memory only until it can", _journal?.Path, exception.Message);
        }
    }
}
