namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary><c>GET /api/nodes/{id}/history</c>: one node's health in [from, to), oldest first.</summary>
public sealed record HealthHistory
{
    /// <summary>The node.</summary>
    public required string NodeId { get; init; }

    /// <summary>Start of the range (inclusive).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the range (exclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>"raw" or "hour".</summary>
    public required string Resolution { get; init; }

    /// <summary>Raw reports (resolution "raw"); empty otherwise. Raw reports are kept for Store:RawHealthRetention only.</summary>
    public required IReadOnlyList<HealthSample> Raw { get; init; }

    /// <summary>Hourly aggregates (resolution "hour"); empty otherwise.</summary>
    public required IReadOnlyList<HourlyHealthSample> Hourly { get; init; }

    /// <summary>True when the range held more than the response's limit and was cut.</summary>
    public required bool Truncated { get; init; }
}
