namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>State of the node's clock, which scheduled and live audio depend on.</summary>
public sealed record ClockHealth
{
    /// <summary>True when the operating system reports its clock synchronised (NTP or controller sync).</summary>
    public bool Synced { get; init; }

    /// <summary>Where the time comes from: "ntp", "rtc", "controller", "none" or "simulated".</summary>
    public required string Source { get; init; }

    /// <summary>Estimated offset from the controller's clock in milliseconds, once clock sync exists.</summary>
    public double? OffsetMs { get; init; }
}
