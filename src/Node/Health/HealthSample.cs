using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Health;

/// <summary>
/// One reading of the node's system: processor, memory, link and the operating system's clock. It is the system
/// readings' part of a health report; relays, inputs and audio belong to their drivers, and what only the session knows
/// (sequence numbers, uptime, which broker, reconnect count) is added when the report is assembled.
/// </summary>
public sealed record HealthSample
{
    /// <summary>Processor temperature and load.</summary>
    public required CpuHealth Cpu { get; init; }

    /// <summary>Memory and storage.</summary>
    public required MemoryHealth Memory { get; init; }

    /// <summary>Interface kind of the default route.</summary>
    public LinkType LinkType { get; init; }

    /// <summary>Signal in dBm for radio links.</summary>
    public int? SignalDbm { get; init; }

    /// <summary>The operating system's clock state.</summary>
    public required ClockHealth Clock { get; init; }
}
