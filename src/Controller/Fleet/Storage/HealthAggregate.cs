namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>One node's health over one hour: what is kept after the raw reports are pruned.</summary>
internal sealed record HealthAggregate
{
    public required string NodeId { get; init; }

    /// <summary>Start of the hour (UTC).</summary>
    public required DateTimeOffset Hour { get; init; }

    public required int Samples { get; init; }

    /// <summary>Share of the hour's reports whose clock was synchronised, 0–1.</summary>
    public required double ClockSyncedShare { get; init; }

    public required MinAvgMax? CpuTempC { get; init; }

    public required MinAvgMax Load1 { get; init; }

    public required MinAvgMax? SignalDbm { get; init; }

    public required MinAvgMax MemoryAvailableMb { get; init; }

    public required MinAvgMax DiskFreeMb { get; init; }
}
