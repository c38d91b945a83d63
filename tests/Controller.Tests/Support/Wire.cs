using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>Valid wire messages for tests, with the fields a test cares about as parameters.</summary>
internal static class Wire
{
    public static readonly DateTimeOffset NodeClock = new(2026, 5, 1, 6, 0, 0, TimeSpan.FromHours(7));

    public static NodeBirth Birth(string nodeId, int bdSeq = 1, int heartbeatSeconds = 10, params string[] zones) => new()
    {
        NodeId = nodeId,
        BdSeq = bdSeq,
        Ts = NodeClock,
        Software = "1.2.3",
        Hardware = new HardwareProfile { Model = "Raspberry Pi 4 Model B Rev 1.4", Os = "Debian GNU/Linux 12 (bookworm)" },
        Capabilities = ["audio.opus", "relay.amplifier"],
        Zones = zones.Length == 0 ? ["thon-1"] : zones,
        HeartbeatSeconds = heartbeatSeconds,
        UptimeSeconds = 12,
    };

    public static NodeDeath Death(string nodeId, int bdSeq, DeathReason reason = DeathReason.Lost) => new()
    {
        NodeId = nodeId,
        BdSeq = bdSeq,
        Reason = reason,
        Ts = NodeClock,
    };

    public static NodeHealth Health(int seq = 1, int bdSeq = 1, double tempC = 51.5, bool synced = true, long diskFreeMb = 20_000) => new()
    {
        Seq = seq,
        BdSeq = bdSeq,
        Ts = NodeClock,
        UptimeSeconds = 42,
        Cpu = new CpuHealth { TempC = tempC, Load1 = 0.2, Load5 = 0.1 },
        Memory = new MemoryHealth { TotalMb = 3800, AvailableMb = 3000, DiskTotalMb = 29_000, DiskFreeMb = diskFreeMb },
        Link = new LinkHealth { Type = LinkType.Wifi, SignalDbm = -61 },
        Clock = new ClockHealth { Synced = synced, Source = "ntp" },
    };

    public static NodeEvent Event(string id, int seq = 2) => new()
    {
        Id = id,
        Seq = seq,
        BdSeq = 1,
        Ts = NodeClock,
        Kind = "fault.raised",
        Severity = EventSeverity.Warning,
        Code = "overheat",
        Text = "CPU above 80 °C",
    };
}
