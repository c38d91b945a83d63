namespace SmartLoudspeaker.Node.Configuration;

/// <summary>The fleet simulator: many simulated nodes in one process, each with its own MQTT connection.</summary>
public sealed class SimulationOptions
{
    /// <summary>Run the fleet simulator instead of the single real node.</summary>
    public bool Enabled { get; set; }

    /// <summary>How many nodes to simulate.</summary>
    public int NodeCount { get; set; } = 6;

    /// <summary>How many zones (zone-1 … zone-N) the nodes are spread over, round-robin.</summary>
    public int ZoneCount { get; set; } = 3;

    /// <summary>Node ids are <c>{IdPrefix}-{n:00}</c>.</summary>
    public string IdPrefix { get; set; } = "sim";

    /// <summary>Pause between two nodes' first connects, so a fleet does not hit the broker in one burst.</summary>
    public TimeSpan Stagger { get; set; } = TimeSpan.FromMilliseconds(200);
}
