namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>Configuration section "Fleet": liveness and fault thresholds of the fleet view.</summary>
public sealed class FleetOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Fleet";

    /// <summary>CPU temperature above which a node is reported overheating, in °C.</summary>
    public double OverheatCelsius { get; set; } = 80;

    /// <summary>Disk use (percent of the data file system) at or above which the disk is reported nearly full.</summary>
    public double DiskNearlyFullPercent { get; set; } = 90;

    /// <summary>A node silent for this many of its heartbeat intervals is offline, whatever the broker thinks.</summary>
    public double OfflineAfterHeartbeats { get; set; } = 2.5;

    /// <summary>
    /// The longest heartbeat the Controller believes: a birth stating more is judged on this, so no message can push
    /// fault detection past <see cref="OfflineAfterHeartbeats"/> × this (12.5 minutes at the default); also the
    /// largest interval set-heartbeat may ask for. Whole seconds, 10 s to the protocol's 300 s.
    /// </summary>
    public TimeSpan MaxHeartbeat { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><see cref="MaxHeartbeat"/> in the whole seconds set-heartbeat takes.</summary>
    public int MaxHeartbeatSeconds => (int)MaxHeartbeat.TotalSeconds;

    /// <summary>How often silent nodes are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Health reports returned by the node detail endpoint, newest first.</summary>
    public int HistoryPerNode { get; set; } = 120;

    /// <summary>Events returned by the node detail endpoint, newest first.</summary>
    public int EventsPerNode { get; set; } = 50;
}
