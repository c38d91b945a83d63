using SmartLoudspeaker.Node.Health;

namespace SmartLoudspeaker.Node.Reporting;

/// <summary>The system readings' part of a report: processor, memory, link and the operating system's clock.</summary>
internal sealed class SystemReadingsContributor(IHealthSource source) : IHealthContributor
{
    /// <inheritdoc />
    public async ValueTask ContributeAsync(HealthReportDraft report, CancellationToken cancellationToken)
    {
        var sample = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
        report.Cpu = sample.Cpu;
        report.Memory = sample.Memory;
        report.LinkType = sample.LinkType;
        report.SignalDbm = sample.SignalDbm;
        report.Clock = sample.Clock;
    }
}
