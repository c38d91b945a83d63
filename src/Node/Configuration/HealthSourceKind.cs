namespace SmartLoudspeaker.Node.Configuration;

/// <summary>Where a single node's health readings come from.</summary>
public enum HealthSourceKind
{
    /// <summary>Real readings from /proc, /sys and the data folder's file system.</summary>
    Linux,

    /// <summary>Plausible generated readings (demo, development off a Pi).</summary>
    Simulated,
}
