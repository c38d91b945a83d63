using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Reporting;

/// <summary>An event waiting for its <see cref="EventAck"/>, with what is needed to (re)send it.</summary>
/// <param name="Id">Random 128-bit id, hex.</param>
/// <param name="Ts">When it happened.</param>
/// <param name="Kind">Dotted kind.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Code">Machine-readable code.</param>
/// <param name="Text">Human-readable detail.</param>
internal sealed record PendingEvent(
    string Id, DateTimeOffset Ts, string Kind, EventSeverity Severity, string? Code, string? Text)
{
    /// <summary>The connection (agent-local counter) in which it was last sent; resent once per new connection.</summary>
    public long SentInConnection { get; set; } = -1;
}
