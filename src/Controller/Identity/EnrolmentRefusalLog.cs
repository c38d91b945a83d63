namespace SmartLoudspeaker.Controller.Identity;

/// <summary>
/// Enrolment requests the Controller refused since it started, counted per reason and per source (claimed node id and
/// sender), for the enrolment page. Memory is bounded whatever an attacker sends: reasons are the Controller's own
/// codes, node ids are valid identifiers (at most 64 characters), and sources beyond <see cref="MaxSources"/> are
/// counted together under <see cref="OtherSources"/>. The metric <c>sl_ingest_refused_total</c> keeps the per-reason
/// count for dashboards; a per-source label there would be unbounded.
/// </summary>
public sealed class EnrolmentRefusalLog
{
    /// <summary>Distinct sources counted one by one.</summary>
    public const int MaxSources = 1000;

    /// <summary>The source that counts everything beyond <see cref="MaxSources"/>.</summary>
    public static readonly EnrolmentRefusalSource OtherSources = new("(other)", null);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly Dictionary<EnrolmentRefusalSource, long> _bySource = [];

    /// <summary>Counts one refusal of a request claiming <paramref name="nodeId"/> from <paramref name="sender"/> (null: unknown).</summary>
    public void Record(string nodeId, string? sender, string reason)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        ArgumentNullException.ThrowIfNull(reason);
        var source = new EnrolmentRefusalSource(nodeId, sender);
        lock (_gate)
        {
            _byReason[reason] = _byReason.GetValueOrDefault(reason) + 1;
            if (!_bySource.ContainsKey(source) && _bySource.Count >= MaxSources)
            {
                source = OtherSources;
            }

            _bySource[source] = _bySource.GetValueOrDefault(source) + 1;
        }
    }

    /// <summary>The counts as they are now.</summary>
    public EnrolmentRefusalReport Report()
    {
        lock (_gate)
        {
            return new EnrolmentRefusalReport(new Dictionary<string, long>(_byReason, StringComparer.Ordinal), new Dictionary<EnrolmentRefusalSource, long>(_bySource));
        }
    }
}
