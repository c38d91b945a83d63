using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Reporting;

namespace SmartLoudspeaker.Node.Tests.Health;

public sealed class SimulatedHardwareTests
{
    [Fact]
    public async Task It_reports_the_simulated_relays_and_nothing_else()
    {
        var report = new HealthReportDraft();

        await new SimulatedHardware().ContributeAsync(report, CancellationToken.None);

        Assert.False(report.Relays!.Amplifier);
        Assert.False(report.Relays.SpeakerLine);
        Assert.True(report.Relays.AccessPoint);
        Assert.Null(report.Audio);
        Assert.Null(report.Cpu);
        Assert.Null(report.Clock);
        Assert.Null(report.Inputs);
        Assert.Null(report.RefusedCommands);
    }
}
