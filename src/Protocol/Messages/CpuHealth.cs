namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>Processor temperature and load.</summary>
public sealed record CpuHealth
{
    /// <summary>SoC temperature in °C (/sys/class/thermal/thermal_zone0/temp); null where unreadable.</summary>
    public double? TempC { get; init; }

    /// <summary>1-minute load average (/proc/loadavg).</summary>
    public double Load1 { get; init; }

    /// <summary>5-minute load average.</summary>
    public double Load5 { get; init; }
}
