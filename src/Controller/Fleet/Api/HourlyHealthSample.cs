namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary>One node's health over one hour, aggregated from its raw reports.</summary>
public sealed record HourlyHealthSample
{
    /// <summary>Start of the hour (UTC).</summary>
    public required DateTimeOffset Hour { get; init; }

    /// <summary>Reports received in the hour.</summary>
    public required int Samples { get; init; }

    /// <summary>Share of the reports whose clock was synchronised, 0–1.</summary>
    public required double ClockSyncedShare { get; init; }

    /// <summary>CPU temperature in °C; null when no report carried one.</summary>
    public FigureRange? CpuTempC { get; init; }

    /// <summary>One-minute load average.</summary>
    public required FigureRange Load1 { get; init; }

    /// <summary>Link signal in dBm; null on wired links.</summary>
    public FigureRange? SignalDbm { get; init; }

    /// <summary>Memory available, MB.</summary>
    public required FigureRange MemoryAvailableMb { get; init; }

    /// <summary>Disk free, MB.</summary>
    public required FigureRange DiskFreeMb { get; init; }
}
