using SmartLoudspeaker.Controller.Fleet;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// Durable side of the fleet view. Writes are queued in call order to one writer thread and grouped into batches;
/// a write's task completes only after its batch reached the durability point (docs/storage.md), so an
/// acknowledgement sent after awaiting it survives a SIGKILL or a power cut. A failed task means nothing was stored
/// durably and nothing may be acknowledged. Reads see what is committed.
/// </summary>
internal interface IFleetStore
{
    /// <summary>Whether writes succeed and whether the store started degraded.</summary>
    StoreStatus Status { get; }

    /// <summary>Every node ever seen.</summary>
    IReadOnlyList<NodeState> LoadNodes();

    /// <summary>Inserts or replaces a node.</summary>
    Task SaveNodeAsync(NodeState node);

    /// <summary>Stores a raw health report (kept for Store:RawHealthRetention, then aggregated hourly).</summary>
    Task AppendHealthAsync(HealthRecord record);

    /// <summary>Stores an event unless one with the same (node, id) is stored; false when it was already there.</summary>
    Task<bool> TryAddEventAsync(EventRecord record);

    /// <summary>Stores a command acknowledgement.</summary>
    Task AddCommandAckAsync(CommandAckRecord record);

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

    /// <summary>Inserts or replaces an issued command with its sequence numbers and outcomes so far.</summary>
    Task SaveCommandAsync(StoredCommand command);

    /// <summary>The newest issued commands (by issue time), newest first, at most <paramref name="max"/>.</summary>
    IReadOnlyList<StoredCommand> RecentCommands(int max);

    /// <summary>The issued command with this id, or null.</summary>
    StoredCommand? FindCommand(string commandId);

    /// <summary>Aggregates complete hours and prunes what is past retention, as <see cref="RetentionPlanner"/> decides for <paramref name="now"/>.</summary>
    Task<RetentionPlan> MaintainAsync(DateTimeOffset now);
}
