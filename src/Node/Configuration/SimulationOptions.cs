namespace SmartLoudspeaker.Node.Configuration;

/// <summary>The fleet simulator: many simulated nodes in one process, each with its own MQTT connection.</summary>
public sealed class SimulationOptions
{
    /// <summary>Largest <see cref="ClockOffsetSpread"/>: the simulated node clock accepts offsets within ±5 s.</summary>
    public static readonly TimeSpan MaxClockOffsetSpread = TimeSpan.FromSeconds(5);

    /// <summary>Largest <see cref="ClockDriftSpreadPpm"/>: the simulated node clock accepts drifts within ±500 ppm.</summary>
    public const double MaxClockDriftSpreadPpm = 500;

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

    /// <summary>
    /// Each simulated node's clock starts this far off true time at most, either way (0 – 5 s): real Pis boot seconds
    /// off, and synchronised playout must be shown to cope. Zero: every node reads true time.
    /// </summary>
    public TimeSpan ClockOffsetSpread { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Each simulated node's crystal runs this many ppm fast or slow at most (0 – 500), so clock sync has drift to
    /// track. Zero: every node's clock runs at the true rate.
    /// </summary>
    public double ClockDriftSpreadPpm { get; set; }

    /// <summary>
    /// Picks each node's offset and drift within the spreads; the same seed gives every node the same clock on every
    /// run, so a failing test, demo or benchmark can be run again as it was.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>
    /// Folder where each node's virtual DAC writes <c>&lt;node&gt;.wav</c> and <c>&lt;node&gt;.timing.csv</c>; null
    /// (the default) keeps what each node plays in memory only, since a fleet would otherwise write hours of audio.
    /// </summary>
    public string? AudioOutputFolder { get; set; }
}
