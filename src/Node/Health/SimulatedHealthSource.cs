using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Health;

/// <summary>
/// Plausible, deterministic readings for a simulated node: the same seed gives the same sequence, so a demo fleet
/// looks alive (temperatures drift between 40 and 60 °C) and a test can predict it.
/// </summary>
public sealed class SimulatedHealthSource : IHealthSource
{
    private const double MinTempC = 40;
    private const double MaxTempC = 60;
    private const long TotalMemoryMb = 3792;
    private const long DiskTotalMb = 29_580;

    private readonly Lock _gate = new();
    private readonly Random _random;
    private double _tempC;
    private double _load1;
    private double _load5;
    private long _diskFreeMb;
    private int _signalDbm;

    /// <summary>Creates a source whose readings follow from <paramref name="seed"/>.</summary>
    public SimulatedHealthSource(int seed)
    {
#pragma warning disable CA5394 // Simulated sensor noise, not security.
        _random = new Random(seed);
        _tempC = 45 + (_random.NextDouble() * 10);
        _load1 = 0.2 + (_random.NextDouble() * 0.5);
        _load5 = _load1;
        _diskFreeMb = 20_000 + _random.Next(0, 5_000);
        _signalDbm = -45 - _random.Next(0, 30);
#pragma warning restore CA5394
    }

    /// <summary>A stable seed for a node id (string.GetHashCode is randomised per process, so it will not do).</summary>
    public static int SeedFor(string nodeId)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in nodeId)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }

    /// <inheritdoc />
    public HardwareProfile Hardware { get; } = new()
    {
        Model = "simulated",
        Os = "simulated",
        Simulated = true,
    };

    /// <inheritdoc />
    public ValueTask<HealthSample> ReadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
#pragma warning disable CA5394 // Simulated sensor noise, not security.
            _tempC = Math.Clamp(_tempC + ((_random.NextDouble() - 0.5) * 2), MinTempC, MaxTempC);
            _load1 = Math.Clamp(_load1 + ((_random.NextDouble() - 0.5) * 0.3), 0.05, 2.5);
            _load5 = (_load5 * 0.8) + (_load1 * 0.2);
            _diskFreeMb = Math.Max(1_000, _diskFreeMb - _random.Next(0, 3));
            _signalDbm = Math.Clamp(_signalDbm + _random.Next(-2, 3), -90, -30);
            var availableMb = 2_800 + _random.Next(0, 400);
#pragma warning restore CA5394

            return ValueTask.FromResult(new HealthSample
            {
                Cpu = new CpuHealth { TempC = Math.Round(_tempC, 1), Load1 = Math.Round(_load1, 2), Load5 = Math.Round(_load5, 2) },
                Memory = new MemoryHealth
                {
                    TotalMb = TotalMemoryMb,
                    AvailableMb = availableMb,
                    DiskTotalMb = DiskTotalMb,
                    DiskFreeMb = _diskFreeMb,
                },
                LinkType = LinkType.Loopback,
                SignalDbm = _signalDbm,
                Clock = new ClockHealth { Synced = true, Source = "simulated" },
            });
        }
    }
}
