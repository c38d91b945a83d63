namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>
/// Durable side of the fleet view (the fleet's repository over the store engine, <see cref="FleetRepository"/>). Writes are queued in call order to one writer thread and grouped into batches;
/// a write's task completes only after its batch reached the durability point (docs/storage.md), so an
/// acknowledgement sent after awaiting it survives a SIGKILL or a power cut. A failed task means nothing was stored
/// durably and nothing may be acknowledged. Reads see what is committed.
/// </summary>
internal interface IFleetStore
{
    /// <summary>Every node ever seen.</summary>
    IReadOnlyList<NodeState> LoadNodes();

    /// <summary>Inserts or replaces a node.</summary>
    Task SaveNodeAsync(NodeState node);

    /// <summary>Removes a node from the registry (retired); its history and events stay until retention prunes them.</summary>
    Task RemoveNodeAsync(string nodeId);

    /// <summary>Stores a raw health report (kept for Store:RawHealthRetention, then aggregated hourly).</summary>
    Task AppendHealthAsync(HealthRecord record);

    /// <summary>Stores an event unless one with the same (node, id) is stored; false when it was already there.</summary>
    Task<bool> TryAddEventAsync(EventRecord record);

    /// <summary>The node's newest raw health reports, newest first.</summary>
    IReadOnlyList<HealthRecord> RecentHealth(string nodeId, int max);

    /// <summary>The node's raw health reports received in [from, to), oldest first, at most <paramref name="max"/>.</summary>
    IReadOnlyList<HealthRecord> HealthBetween(string nodeId, DateTimeOffset from, DateTimeOffset to, int max);

    /// <summary>The node's hourly aggregates of hours starting in [from, to), oldest first, at most <paramref name="max"/>.</summary>
    IReadOnlyList<HealthAggregate> HourlyBetween(string nodeId, DateTimeOffset from, DateTimeOffset to, int max);

    /// <summary>The node's newest events, newest first.</summary>
    IReadOnlyList<EventRecord> RecentEvents(string nodeId, int max);

    /// <summary>The node's events numbered after <paramref name="after"/>, in storing order, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<EventRecord> EventsAfter(string nodeId, long after, int limit);
}
