using System.Text.Json;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Protocol.Tests;

/// <summary>One fully populated instance of every wire message, for round-trip and size tests.</summary>
internal static class SampleMessages
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    public static NodeBirth Birth() => new()
    {
        NodeId = "thon-3-nha-van-hoa",
        BdSeq = 7,
        Ts = Now,
        Software = "0.1.0",
        Hardware = new HardwareProfile { Model = "Raspberry Pi 4 Model B Rev 1.4", Serial = "10000000abcdef01", Os = "Debian GNU/Linux 12", Simulated = false },
        Capabilities = ["health", "events"],
        Zones = ["thon-3", "xa-dong-lam"],
        HeartbeatSeconds = 30,
        UptimeSeconds = 86_400,
    };

    public static NodeDeath Death() => new() { NodeId = "thon-3-nha-van-hoa", BdSeq = 7, Reason = DeathReason.Lost, Ts = Now };

    public static NodeHealth Health() => new()
    {
        Seq = 12,
        BdSeq = 7,
        Ts = Now,
        UptimeSeconds = 3_600_000,
        Cpu = new CpuHealth { TempC = 57.3, Load1 = 0.42, Load5 = 0.31 },
        Memory = new MemoryHealth { TotalMb = 3_793, AvailableMb = 2_981, DiskTotalMb = 29_542, DiskFreeMb = 21_877 },
        Link = new LinkHealth { Type = LinkType.Cellular, SignalDbm = -87, Broker = 1, Connections = 14 },
        Clock = new ClockHealth { Synced = true, Source = "ntp", OffsetMs = 3.5 },
        Relays = new RelayHealth { Amplifier = true, SpeakerLine = true, AccessPoint = false },
        Inputs = new Dictionary<string, bool> { ["emergency-button"] = false, ["mains"] = true, ["cabinet-door"] = false },
        Audio = new AudioHealth { State = "playing", Class = PriorityClass.Normal, VolumePercent = 80 },
    };

    public static NodeEvent Event() => new()
    {
        Id = "5f0c1a9e2b7d4c3f8a6e1d2c3b4a5f6e",
        Seq = 13,
        BdSeq = 7,
        Ts = Now,
        Kind = "fault.raised",
        Severity = EventSeverity.Fault,
        Code = "overheat",
        Text = "CPU 86.2 °C",
    };

    public static EventAck EventAcknowledgement() => new() { NodeId = "thon-3-nha-van-hoa", Ids = ["5f0c1a9e2b7d4c3f8a6e1d2c3b4a5f6e", "0b1c"] };

    public static ControllerState ControllerOnline() => new() { Online = true, Instance = "3f2a9c", Ts = Now };

    public static SignedCommand Command() => new()
    {
        Id = "cmd-000042",
        Kid = "controller-2026-11",
        Target = new CommandTarget { Zone = "thon-3" },
        Ts = Now,
        Exp = Now.AddMinutes(5),
        Seq = 42,
        Type = "set-heartbeat",
        Body = JsonDocument.Parse("""{"heartbeatSeconds":60}""").RootElement,
    };

    public static KeyCertificate Certificate() => new()
    {
        Kid = "controller-2026-11",
        PublicKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
        NotBefore = Now.AddDays(-1),
        NotAfter = Now.AddDays(365),
    };

    public static KeyRevocationList Revocations() => new() { Serial = 3, IssuedAt = Now, RevokedKids = ["controller-2025-11"] };

    public static ClockSyncRequest TimeRequest() => new() { Nonce = "q8ZyJ3t0m2k4Yb1x9uVw0A", T1 = Now };

    public static ClockSyncReply TimeReply() => new()
    {
        Kid = "controller-2026-11",
        NodeId = "thon-3-nha-van-hoa",
        Nonce = "q8ZyJ3t0m2k4Yb1x9uVw0A",
        T1 = Now,
        T2 = Now.AddMilliseconds(120),
        T3 = Now.AddMilliseconds(121),
    };

    public static NodeIdentity Identity() => new()
    {
        NodeId = "thon-3-nha-van-hoa",
        Zones = ["thon-3"],
        Software = "0.1.0",
        Model = "Raspberry Pi 4 Model B Rev 1.4",
        BdSeq = 7,
        HeartbeatSeconds = 30,
        UptimeSeconds = 86_400,
        ClockTrusted = true,
        CommandHighWater = 42,
    };

    public static CommandAck Acknowledgement() => new()
    {
        Id = "cmd-000042",
        NodeId = "thon-3-nha-van-hoa",
        Status = CommandAckStatus.Refused,
        Reason = "replayed",
        Ts = Now,
    };
}
