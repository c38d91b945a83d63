using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;

namespace SmartLoudspeaker.Controller.Tests.Identity;

/// <summary>Enrolment refusals counted per reason and per source, within a bound whatever an attacker sends.</summary>
public sealed class EnrolmentRefusalLogTests
{
    [Fact]
    public void Refusals_are_counted_per_reason_and_per_claimed_node_id_and_sender()
    {
        var log = new EnrolmentRefusalLog();

        log.Record("loa-1", "10.0.0.5", IngestRefusals.BadSignature);
        log.Record("loa-1", "10.0.0.5", IngestRefusals.EnrolmentRate);
        log.Record("loa-1", "10.0.0.9", IngestRefusals.BadSignature);
        log.Record("loa-2", null, "malformed");

        var report = log.Report();
        Assert.Equal(4, report.Total);
        Assert.Equal(2, report.ByReason[IngestRefusals.BadSignature]);
        Assert.Equal(1, report.ByReason[IngestRefusals.EnrolmentRate]);
        Assert.Equal(2, report.BySource[new EnrolmentRefusalSource("loa-1", "10.0.0.5")]);
        Assert.Equal(1, report.BySource[new EnrolmentRefusalSource("loa-1", "10.0.0.9")]);
        Assert.Equal(1, report.BySource[new EnrolmentRefusalSource("loa-2", null)]);
    }

    [Fact]
    public void Made_up_ids_beyond_the_bound_are_counted_together_and_known_sources_still_one_by_one()
    {
        var log = new EnrolmentRefusalLog();
        log.Record("loa-that", "10.0.0.5", IngestRefusals.BadSignature);

        for (var i = 0; i < EnrolmentRefusalLog.MaxSources + 500; i++)
        {
            log.Record("made-up-" + i, "10.0.0.66", IngestRefusals.BadSignature);
        }

        log.Record("loa-that", "10.0.0.5", IngestRefusals.BadSignature);

        var report = log.Report();
        Assert.Equal(EnrolmentRefusalLog.MaxSources + 1, report.BySource.Count);
        Assert.Equal(501, report.BySource[EnrolmentRefusalLog.OtherSources]);
        Assert.Equal(2, report.BySource[new EnrolmentRefusalSource("loa-that", "10.0.0.5")]);
        Assert.Equal(EnrolmentRefusalLog.MaxSources + 502, report.Total);
    }
}
