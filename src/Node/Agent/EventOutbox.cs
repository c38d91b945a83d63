namespace SmartLoudspeaker.Node;

/// <summary>
/// Events not yet acknowledged by the controller, oldest first, bounded: a node cut off for days keeps the newest
/// <see cref="Capacity"/> events rather than running out of memory. Thread-safe.
/// </summary>
internal sealed class EventOutbox
{
    private readonly Lock _gate = new();
    private readonly LinkedList<PendingEvent> _order = new();
    private readonly Dictionary<string, LinkedListNode<PendingEvent>> _byId = new(StringComparer.Ordinal);

    /// <summary>Creates an outbox holding at most <paramref name="capacity"/> events.</summary>
    public EventOutbox(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
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

    /// <summary>Adds an event; returns the oldest one dropped to make room, if any.</summary>
    public PendingEvent? Add(PendingEvent pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_gate)
        {
            PendingEvent? dropped = null;
            if (_order.Count >= Capacity && _order.First is { } oldest)
            {
                dropped = oldest.Value;
                _byId.Remove(dropped.Id);
                _order.RemoveFirst();
            }

            _byId[pending.Id] = _order.AddLast(pending);
            return dropped;
        }
    }

    /// <summary>Forgets the acknowledged ids; returns how many were held.</summary>
    public int Acknowledge(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var removed = 0;
        lock (_gate)
        {
            foreach (var id in ids)
            {
                if (_byId.Remove(id, out var node))
                {
                    _order.Remove(node);
                    removed++;
                }
            }
        }

        return removed;
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
}
