using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node;

/// <summary>
/// One reading of a node's sensors. The agent adds what only it knows (sequence numbers, uptime, which broker,
/// reconnect count) when it turns this into a <see cref="NodeHealth"/>.
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

    /// <summary>Clock state.</summary>
    public required ClockHealth Clock { get; init; }

    /// <summary>Relays as last driven, when known.</summary>
    public RelayHealth? Relays { get; init; }

    /// <summary>Digital inputs, when known.</summary>
    public IReadOnlyDictionary<string, bool>? Inputs { get; init; }

    /// <summary>Audio output, when known.</summary>
    public AudioHealth? Audio { get; init; }
}
