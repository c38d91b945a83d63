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

    /// <summary>Tokens from configuration, for the demo and tests (a technician makes the others on the API).</summary>
    public IList<BootstrapTokenOptions> BootstrapTokens { get; } = [];
}
