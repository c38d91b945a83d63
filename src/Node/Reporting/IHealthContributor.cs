namespace SmartLoudspeaker.Node.Reporting;

/// <summary>
/// A part of the node that owns some of what a health report says (system readings, the controller clock, and later
/// GPIO, audio and the media cache) and fills only that part in. The report is assembled from every contributor in
/// turn, so no part reports what another owns.
/// </summary>
public interface IHealthContributor
{
    /// <summary>
    /// Fills this contributor's part of <paramref name="report"/>. A failure skips that one report (a broken sensor
    /// must not end the connection); the next heartbeat tries again.
    /// </summary>
    ValueTask ContributeAsync(HealthReportDraft report, CancellationToken cancellationToken);
}
