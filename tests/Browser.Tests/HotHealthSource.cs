using SmartLoudspeaker.Node.Health;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>A simulated node whose CPU runs hot and whose clock is not synchronised, so the pages have faults to show.</summary>
internal sealed class HotHealthSource(IHealthSource inner) : IHealthSource
{
    public SmartLoudspeaker.Protocol.Messages.HardwareProfile Hardware => inner.Hardware;

    public async ValueTask<HealthSample> ReadAsync(CancellationToken cancellationToken)
    {
        var sample = await inner.ReadAsync(cancellationToken);
        return sample with
        {
            Cpu = sample.Cpu with { TempC = 86.5 },
            Clock = sample.Clock with { Synced = false, OffsetMs = 420 },
        };
    }
}
