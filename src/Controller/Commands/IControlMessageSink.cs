using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// Where the ingest pipeline hands what belongs to signed control: command acknowledgements, clock-sync requests and
/// stored node events (for the refusal counters). Ingest decodes and checks them against the topic first, as it does
/// every message; this side must not throw for anything a node can send.
/// </summary>
internal interface IControlMessageSink
{
    /// <summary>
    /// A valid acknowledgement from <paramref name="nodeId"/> (the topic's node, whose enrolled key signed it), received at
    /// <paramref name="receivedAt"/>.
    /// </summary>
    Task AckReceivedAsync(string nodeId, CommandAck ack, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>A valid clock-sync request from <paramref name="nodeId"/>, received at <paramref name="receivedAt"/> (the reply's t2).</summary>
    Task TimeRequestAsync(string nodeId, ClockSyncRequest request, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>A node event stored for the first time.</summary>
    void EventStored(string nodeId, NodeEvent nodeEvent);

    /// <summary>Raised with the node's id after one of its refusals was stored (a node page shows them live).</summary>
    event Action<string>? RefusalStored;
}
