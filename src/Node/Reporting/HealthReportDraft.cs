using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Reporting;

/// <summary>
/// The parts of a health report while contributors fill them in. What the session knows (sequence numbers, uptime,
/// broker) is added by the assembler, not by a contributor; a part nobody owns stays empty and is left off the wire.
/// </summary>
public sealed class HealthReportDraft
{
    /// <summary>Processor temperature and load (system readings).</summary>
    public CpuHealth? Cpu { get; set; }

    /// <summary>Memory and storage (system readings).</summary>
    public MemoryHealth? Memory { get; set; }

    /// <summary>Interface kind of the default route (system readings).</summary>
    public LinkType LinkType { get; set; }

    /// <summary>Signal in dBm for radio links (system readings).</summary>
    public int? SignalDbm { get; set; }

    /// <summary>
    /// Clock state: the operating system's first (system readings), then refined by the controller clock once it has an
    /// authenticated offset, which is why the clock contributes after the system readings.
    /// </summary>
    public ClockHealth? Clock { get; set; }

    /// <summary>Relays as last driven (the GPIO driver).</summary>
    public RelayHealth? Relays { get; set; }

    /// <summary>Digital inputs (the GPIO driver).</summary>
    public IReadOnlyDictionary<string, bool>? Inputs { get; set; }

    /// <summary>Audio output (the audio engine).</summary>
    public AudioHealth? Audio { get; set; }

    /// <summary>The quiet hours held and whether they are in force (the quiet-hours policy).</summary>
    public QuietHoursHealth? QuietHours { get; set; }

    /// <summary>Command payloads refused since start (signed control).</summary>
    public long? RefusedCommands { get; set; }
}
