namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// The topic filters one client's session holds, kept in the session's items so it lives exactly as long as the
/// broker's own subscriptions do: a clean session starts empty, a persistent one keeps its filters across reconnects
/// (otherwise reconnecting would reset the count while the broker still held every filter).
/// </summary>
internal sealed class ClientSubscriptions
{
    private static readonly object Key = new();

    // MQTTnet's session items are a ConcurrentDictionary, whose SyncRoot throws; creation is rare, one lock will do.
    private static readonly Lock Creation = new();
    private readonly HashSet<string> _filters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _refusalLogged;

    /// <summary>The set in <paramref name="sessionItems"/>, created on first use.</summary>
    public static ClientSubscriptions Of(System.Collections.IDictionary sessionItems)
    {
        lock (Creation)
        {
            if (sessionItems[Key] is not ClientSubscriptions subscriptions)
            {
                subscriptions = new ClientSubscriptions();
                sessionItems[Key] = subscriptions;
            }

            return subscriptions;
        }
    }

    /// <summary>True when the client may hold <paramref name="filter"/>: it already does, or it holds fewer than <paramref name="max"/>.</summary>
    public bool TryAdd(string filter, int max)
    {
        lock (_gate)
        {
            return _filters.Contains(filter) || (_filters.Count < max && _filters.Add(filter));
        }
    }

    /// <summary>Forgets a filter the client unsubscribed.</summary>
    public void Remove(string filter)
    {
        lock (_gate)
        {
            _filters.Remove(filter);
        }
    }

    /// <summary>True the first time it is asked on this connection: one log line per connection, not one per filter.</summary>
    public bool FirstRefusalOnThisConnection()
    {
        lock (_gate)
        {
            var first = !_refusalLogged;
            _refusalLogged = true;
            return first;
        }
    }

    /// <summary>A new connection of this session may be logged again.</summary>
    public void Connected()
    {
        lock (_gate)
        {
            _refusalLogged = false;
        }
    }
}
