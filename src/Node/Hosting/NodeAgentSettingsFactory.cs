namespace SmartLoudspeaker.Node;

/// <summary>Turns the bound <see cref="NodeOptions"/> into per-agent settings.</summary>
internal static class NodeAgentSettingsFactory
{
    public static NodeAgentSettings Create(NodeOptions options, string nodeId, IReadOnlyList<string> zones, int initialBdSeq) => new()
    {
        NodeId = nodeId,
        Zones = zones,
        Brokers = options.Brokers.Select(broker => broker with { }).ToList(),
        Heartbeat = options.Heartbeat,
        KeepAlive = options.KeepAlive,
        ReconnectBackoffBase = options.ReconnectBackoffBase,
        ReconnectBackoffCap = options.ReconnectBackoffCap,
        InitialBdSeq = initialBdSeq,
    };
}
