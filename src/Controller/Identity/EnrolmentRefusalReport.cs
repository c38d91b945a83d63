namespace SmartLoudspeaker.Controller.Identity;

/// <summary>Enrolment refusals since the Controller started: per reason and per source (<see cref="EnrolmentRefusalLog"/>).</summary>
/// <param name="ByReason">Refusals per reason (<c>IngestRefusals</c> codes).</param>
/// <param name="BySource">Refusals per claimed node id and sender; <see cref="EnrolmentRefusalLog.OtherSources"/> counts those beyond the bound.</param>
public sealed record EnrolmentRefusalReport(IReadOnlyDictionary<string, long> ByReason, IReadOnlyDictionary<EnrolmentRefusalSource, long> BySource)
{
    /// <summary>Every refusal counted.</summary>
    public long Total => ByReason.Values.Sum();
}
