using SmartLoudspeaker.Controller.Fleet.Api;

namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>Derives a node's faults from its state and the configured thresholds; a pure function.</summary>
internal static class FaultRules
{
    public static IReadOnlyList<NodeFault> Derive(NodeState node, FleetOptions thresholds)
    {
        var faults = new List<NodeFault>();
        if (!node.Online)
        {
            faults.Add(new NodeFault(FaultCodes.Offline, node.StateSince));
        }

        // Health-derived faults use the latest report even when the node is offline: it is the last thing known.
        var health = node.Health;
        if (health is null)
        {
            return faults;
        }

        if (health.Cpu.TempC is { } tempC && tempC > thresholds.OverheatCelsius)
        {
            faults.Add(new NodeFault(FaultCodes.Overheating, null));
        }

        if (DiskUsedPercent(health.Memory.DiskTotalMb, health.Memory.DiskFreeMb) is { } used
            && used >= thresholds.DiskNearlyFullPercent)
        {
            faults.Add(new NodeFault(FaultCodes.DiskNearlyFull, null));
        }

        if (!health.Clock.Synced)
        {
            faults.Add(new NodeFault(FaultCodes.ClockUnsynchronised, null));
        }

        return faults;
    }

    /// <summary>Used share of the disk in percent; null when the node did not report a size.</summary>
    public static double? DiskUsedPercent(long totalMb, long freeMb) =>
        totalMb <= 0 ? null : (totalMb - Math.Clamp(freeMb, 0, totalMb)) * 100.0 / totalMb;
}
