using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Health;

/// <summary>
/// Stands in for the GPIO and audio drivers on a simulated node until they exist: it owns the simulated relays
/// (amplifier and speaker line off, access point on) and an idle audio output at 70 %, so it is the one part that may
/// report them. A real node reports no relays or audio until its drivers do.
/// </summary>
public sealed class SimulatedHardware : IHealthContributor
{
    /// <inheritdoc />
    public ValueTask ContributeAsync(HealthReportDraft report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Relays = new RelayHealth { Amplifier = false, SpeakerLine = false, AccessPoint = true };
        report.Audio = new AudioHealth { State = "idle", VolumePercent = 70 };
        return ValueTask.CompletedTask;
    }
}
