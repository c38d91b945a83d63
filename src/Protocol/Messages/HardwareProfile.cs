namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>What the node runs on, as announced in its birth.</summary>
public sealed record HardwareProfile
{
    /// <summary>Board model, e.g. "Raspberry Pi 4 Model B Rev 1.4" (from /proc/device-tree/model), or "simulated".</summary>
    public required string Model { get; init; }

    /// <summary>Board serial number where the board has one.</summary>
    public string? Serial { get; init; }

    /// <summary>Operating system, e.g. "Debian GNU/Linux 12 (bookworm)".</summary>
    public string? Os { get; init; }

    /// <summary>True when GPIO, sensors and audio are simulated (demo, tests, fleet simulator).</summary>
    public bool Simulated { get; init; }
}
