namespace SmartLoudspeaker.Node.Reporting;

/// <summary>What one MQTT session adds to every report it carries: its bdSeq, its broker, its connection number and the running seq.</summary>
/// <param name="BdSeq">The session's birth/death sequence, 0–255.</param>
/// <param name="BrokerIndex">Index of the broker the session is connected to.</param>
/// <param name="ConnectionNumber">Agent-local number of the connection; an event is sent once per connection.</param>
internal sealed record ReportContext(int BdSeq, int BrokerIndex, long ConnectionNumber)
{
    /// <summary>Largest seq (and bdSeq); both wrap to 0 after it.</summary>
    public const int MaxSeq = 255;

    /// <summary>Sequence of the last message; only the session's publisher touches it.</summary>
    public int Seq { get; private set; }

    /// <summary>A birth starts the sequence again at 0.</summary>
    public void Restart() => Seq = 0;

    /// <summary>The seq of the next message after a birth.</summary>
    public int NextSeq()
    {
        Seq = (Seq + 1) % (MaxSeq + 1);
        return Seq;
    }
}
