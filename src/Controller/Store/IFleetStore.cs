using SmartLoudspeaker.Controller.Fleet;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// Durable side of the fleet view. Calls are synchronous and short: the fleet registry calls them under its own lock
/// so that what is stored is always in the order it happened (one writer).
/// </summary>
internal interface IFleetStore
{
    /// <summary>Every node ever seen.</summary>
    IReadOnlyList<NodeState> LoadNodes();

    /// <summary>Inserts or replaces a node.</summary>
    void SaveNode(NodeState node);

    /// <summary>Appends a health report, trimming the node's oldest reports beyond the configured cap.</summary>
    void AppendHealth(HealthRecord record);

    /// <summary>The node's newest health reports, newest first.</summary>
    IReadOnlyList<HealthRecord> RecentHealth(string nodeId, int max);

    /// <summary>Stores an event unless one with the same (node, id) is stored; false when it was already there.</summary>
    bool TryAddEvent(EventRecord record);

    /// <summary>The node's newest events, newest first by receive time.</summary>
    IReadOnlyList<EventRecord> RecentEvents(string nodeId, int max);

    /// <summary>Stores a command acknowledgement.</summary>
    void AddCommandAck(CommandAckRecord record);

    /// <summary>True when the store answers a cheap read.</summary>
    bool IsHealthy();
}
