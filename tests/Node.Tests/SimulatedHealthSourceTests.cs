using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests;

public sealed class SimulatedHealthSourceTests
{
    [Fact]
    public async Task Same_seed_gives_the_same_plausible_readings()
    {
        var a = new SimulatedHealthSource(SimulatedHealthSource.SeedFor("sim-01"));
        var b = new SimulatedHealthSource(SimulatedHealthSource.SeedFor("sim-01"));

        for (var i = 0; i < 200; i++)
        {
            var first = await a.ReadAsync(CancellationToken.None);
            var second = await b.ReadAsync(CancellationToken.None);
            Assert.Equal(first.Cpu, second.Cpu);
            Assert.InRange(first.Cpu.TempC!.Value, 40, 60);
            Assert.InRange(first.Memory.AvailableMb, 1, first.Memory.TotalMb);
            Assert.InRange(first.Memory.DiskFreeMb, 1, first.Memory.DiskTotalMb);
            Assert.Equal(LinkType.Loopback, first.LinkType);
            Assert.InRange(first.SignalDbm!.Value, -90, -30);
            Assert.True(first.Clock.Synced);
            Assert.Equal("simulated", first.Clock.Source);
        }
    }

    [Fact]
    public void Seeds_are_stable_and_differ_per_node()
    {
        Assert.Equal(SimulatedHealthSource.SeedFor("sim-01"), SimulatedHealthSource.SeedFor("sim-01"));
        Assert.NotEqual(SimulatedHealthSource.SeedFor("sim-01"), SimulatedHealthSource.SeedFor("sim-02"));
        Assert.True(new SimulatedHealthSource(1).Hardware.Simulated);
    }
}
