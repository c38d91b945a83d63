namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/node/{id}/health</c>: the periodic report (every <see cref="NodeBirth.HeartbeatSeconds"/>), QoS 0.
/// Kept small because 4G data costs money: a typical report is about 400 bytes.
/// </summary>
public sealed record NodeHealth : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>Message sequence within the session, 1–255 then wrapping to 0 (Sparkplug style).</summary>
    public required int Seq { get; init; }

    /// <summary>The session this report belongs to.</summary>
    public required int BdSeq { get; init; }

    /// <summary>When measured, on the node's clock.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <summary>Whole seconds since the node process started.</summary>
    public long UptimeSeconds { get; init; }

    /// <summary>Processor temperature and load.</summary>
    public required CpuHealth Cpu { get; init; }

    /// <summary>Memory and storage.</summary>
    public required MemoryHealth Memory { get; init; }

    /// <summary>Network link.</summary>
    public required LinkHealth Link { get; init; }

    /// <summary>Clock state.</summary>
    public required ClockHealth Clock { get; init; }

    /// <summary>Output relays (filled by the GPIO work).</summary>
    public RelayHealth? Relays { get; init; }

    /// <summary>Digital inputs by name, true = active (filled by the GPIO work).</summary>
    public IReadOnlyDictionary<string, bool>? Inputs { get; init; }

    /// <summary>Audio output (filled by the audio work).</summary>
    public AudioHealth? Audio { get; init; }

    /// <summary>The quiet hours the node holds and whether they are in force now; absent from a node without signed control.</summary>
    public QuietHoursHealth? QuietHours { get; init; }

    /// <summary>Commands refused since the node started (forged, replayed, expired…); absent before signed control.</summary>
    public long? RefusedCommands { get; init; }

    /// <summary>
    /// Event acknowledgements refused since the node started (unsigned or not by a trusted Controller key, or naming
    /// another node); the events stayed in the outbox. Reported by a node that pins a root key.
    /// </summary>
    public long? RefusedEventAcks { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        Seq is < 0 or > 255 ? "seq must be 0–255"
        : BdSeq is < 0 or > 255 ? "bdSeq must be 0–255"
        : UptimeSeconds < 0 ? "uptimeSeconds must not be negative"
        : Cpu.TempC is < -60 or > 200 ? "cpu.tempC is out of range"
        : Memory.TotalMb < 0 || Memory.AvailableMb < 0 || Memory.DiskTotalMb < 0 || Memory.DiskFreeMb < 0
            ? "memory figures must not be negative"
        : Link.SignalDbm is < -200 or > 0 ? "link.signalDbm is out of range"
        : string.IsNullOrWhiteSpace(Clock.Source) ? "clock.source is required"
        : RefusedCommands < 0 ? "refusedCommands must not be negative"
        : RefusedEventAcks < 0 ? "refusedEventAcks must not be negative"
        : QuietHours?.Version < 0 ? "quietHours.version must not be negative"
        : null;
}
