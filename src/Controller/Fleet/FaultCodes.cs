namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>Codes of the faults the controller derives from what nodes report (the "faults" list of the REST API).</summary>
public static class FaultCodes
{
    /// <summary>The node is not connected (death received or silent too long).</summary>
    public const string Offline = "offline";

    /// <summary>CPU temperature above Fleet:OverheatCelsius.</summary>
    public const string Overheating = "overheating";

    /// <summary>Disk use at or above Fleet:DiskNearlyFullPercent.</summary>
    public const string DiskNearlyFull = "disk-nearly-full";

    /// <summary>The node reports its clock not synchronised: scheduled and live audio would be off.</summary>
    public const string ClockUnsynchronised = "clock-unsynchronised";
}
