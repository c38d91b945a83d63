using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary><c>GET /api/nodes/{id}</c>: the summary plus hardware, session and recent history.</summary>
public sealed record NodeDetail : NodeSummary
{
    /// <summary>Hardware from the latest birth.</summary>
    public required HardwareProfile Hardware { get; init; }

    /// <summary>Birth/death sequence of the node's current session.</summary>
    public required int BdSeq { get; init; }

    /// <summary>Recent health reports, newest first (at most Fleet:HistoryPerNode).</summary>
    public required IReadOnlyList<HealthSample> History { get; init; }

    /// <summary>Recent events, newest first (at most Fleet:EventsPerNode).</summary>
    public required IReadOnlyList<NodeEventEntry> Events { get; init; }
}
