namespace SmartLoudspeaker.Controller.Commands;

/// <summary>Commands one node refused and reported ("security.refused" events among its newest events).</summary>
public sealed record NodeRefusalSummary
{
    /// <summary>The node.</summary>
    public required string NodeId { get; init; }

    /// <summary>Refusals among the node's newest events looked at.</summary>
    public required int Refusals { get; init; }

    /// <summary>Refusals by reason code (e.g. "bad-signature", "replayed").</summary>
    public required IReadOnlyDictionary<string, int> ByReason { get; init; }

    /// <summary>When the Controller received the newest one.</summary>
    public required DateTimeOffset LastAt { get; init; }
}
