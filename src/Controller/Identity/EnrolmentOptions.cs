namespace SmartLoudspeaker.Controller.Identity;

/// <summary>Settings of node enrolment ("Enrolment" section).</summary>
public sealed class EnrolmentOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Enrolment";

    /// <summary>
    /// Most pending requests kept (one per node id). A request for a new node id beyond it is refused and counted
    /// (<c>sl_ingest_refused_total{reason="enrol-pending-full"}</c>); a node id already pending replaces its request.
    /// </summary>
    public int MaxPendingRequests { get; set; } = 500;

    /// <summary>Most enrolment requests verified per minute, all nodes together; the rest are refused and counted.</summary>
    public int MaxRequestsPerMinute { get; set; } = 600;

    /// <summary>
    /// How long a "rotate-identity" the Controller sent may take to complete (the node answers, then enrols its new key).
    /// Past it the rotation is shown as failed and a request with the new key waits for a technician; the old identity
    /// stays valid all along, since the node may just be offline.
    /// </summary>
    public TimeSpan RotationTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Tokens from configuration, for the demo and tests (a technician makes the others on the API).</summary>
    public IList<BootstrapTokenOptions> BootstrapTokens { get; } = [];
}
