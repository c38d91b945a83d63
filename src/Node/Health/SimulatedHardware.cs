using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Health;

/// <summary>
/// Stands in for the GPIO driver on a simulated node until it exists: it owns the simulated relays (amplifier and
/// speaker line off, access point on), so it is the one part that may report them. A real node reports no relays until
/// its driver does. Audio is the node's own (<c>NodeAudio</c> on the virtual DAC), not simulated here.
/// </summary>
public sealed class SimulatedHardware : IHealthContributor
{
    /// <inheritdoc />
    public ValueTask ContributeAsync(HealthReportDraft report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Relays = new RelayHealth { Amplifier = false, SpeakerLine = false, AccessPoint = true };
        return ValueTask.CompletedTask;
    }
}
