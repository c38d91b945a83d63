using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Tests;

public sealed class FaultRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly FleetOptions Thresholds = new() { OverheatCelsius = 80, DiskNearlyFullPercent = 90 };

    private static NodeState Node(bool online = true, NodeHealth? health = null) => new()
    {
        Id = "node-1",
        Zones = ["thon-1"],
        Software = "1.0.0",
        Hardware = new HardwareProfile { Model = "simulated" },
        Capabilities = [],
        HeartbeatSeconds = 30,
        BdSeq = 1,
        LastSeen = Now,
        Online = online,
        StateSince = Now.AddMinutes(-5),
        Health = health,
        HealthReceivedAt = health is null ? null : Now,
    };

    private static string[] Codes(NodeState node) => FaultRules.Derive(node, Thresholds).Select(fault => fault.Code).ToArray();

    [Fact]
    public void A_healthy_online_node_has_no_faults() => Assert.Empty(Codes(Node(health: Wire.Health())));

    [Fact]
    public void An_online_node_without_health_yet_has_no_faults() => Assert.Empty(Codes(Node()));

    [Fact]
    public void An_offline_node_is_faulted_since_it_went_offline()
    {
        var fault = Assert.Single(FaultRules.Derive(Node(online: false), Thresholds));
        Assert.Equal(FaultCodes.Offline, fault.Code);
        Assert.Equal(Now.AddMinutes(-5), fault.Since);
    }

    [Theory]
    [InlineData(80.0, false)]
    [InlineData(80.1, true)]
    public void Overheating_is_above_the_threshold(double tempC, bool overheating) =>
        Assert.Equal(overheating, Codes(Node(health: Wire.Health(tempC: tempC))).Contains(FaultCodes.Overheating));

    [Fact]
    public void An_unreadable_temperature_is_not_overheating() =>
        Assert.Empty(Codes(Node(health: Wire.Health() with { Cpu = new CpuHealth { TempC = null } })));

    [Theory]
    [InlineData(2_901, false)] // 89.997 % used
    [InlineData(2_900, true)] // exactly 90 %
    [InlineData(0, true)]
    public void Disk_nearly_full_is_at_or_above_the_threshold(long freeMb, bool nearlyFull) =>
        Assert.Equal(nearlyFull, Codes(Node(health: Wire.Health(diskFreeMb: freeMb))).Contains(FaultCodes.DiskNearlyFull));

    [Fact]
    public void A_node_that_reports_no_disk_size_is_not_nearly_full()
    {
        var health = Wire.Health() with { Memory = new MemoryHealth { DiskTotalMb = 0, DiskFreeMb = 0 } };
        Assert.Empty(Codes(Node(health: health)));
    }

    [Fact]
    public void An_unsynchronised_clock_is_a_fault() =>
        Assert.Equal([FaultCodes.ClockUnsynchronised], Codes(Node(health: Wire.Health(synced: false))));

    [Fact]
    public void Faults_combine_and_keep_the_last_known_health_of_an_offline_node() =>
        Assert.Equal(
            [FaultCodes.Offline, FaultCodes.Overheating, FaultCodes.DiskNearlyFull, FaultCodes.ClockUnsynchronised],
            Codes(Node(online: false, health: Wire.Health(tempC: 95, synced: false, diskFreeMb: 100))));
}
