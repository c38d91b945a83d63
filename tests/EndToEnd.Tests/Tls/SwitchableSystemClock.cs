using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.EndToEnd.Tests.Tls;

/// <summary>
/// Simulated readings whose operating-system clock state the test sets: unsynchronised at boot (a Pi without network
/// time yet, or with a flat RTC battery), then synchronised, as NTP would make it.
/// </summary>
internal sealed class SwitchableSystemClock(int seed) : IHealthSource
{
    private readonly SimulatedHealthSource _readings = new(seed);
    private volatile bool _synchronised;

    public HardwareProfile Hardware => _readings.Hardware;

    /// <summary>Whether the system clock reports itself synchronised.</summary>
    public bool Synchronised
    {
        get => _synchronised;
        set => _synchronised = value;
    }

    public async ValueTask<HealthSample> ReadAsync(CancellationToken cancellationToken)
    {
        var sample = await _readings.ReadAsync(cancellationToken);
        return sample with { Clock = new ClockHealth { Synced = _synchronised, Source = _synchronised ? "ntp" : "rtc" } };
    }
}
