using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>Hands ingest's control messages to the services that own them.</summary>
internal sealed class ControlMessageRouter : IControlMessageSink
{
    /// <summary>The event kind a node raises when it refuses a command (docs/security.md).</summary>
    public const string SecurityRefusedKind = "security.refused";

    private readonly CommandService _commands;
    private readonly ClockSyncResponder _clock;
    private readonly SecurityMetrics _metrics;
    private readonly EnrolmentService _enrolment;

    public ControlMessageRouter(CommandService commands, ClockSyncResponder clock, SecurityMetrics metrics, EnrolmentService enrolment)
    {
        _commands = commands;
        _enrolment = enrolment;
        _clock = clock;
        _metrics = metrics;
    }

    public event Action<string>? RefusalStored;

    public Task AckReceivedAsync(string nodeId, CommandAck ack, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        _commands.RecordAck(nodeId, ack, receivedAt);

        // A rotation's "done" is signed by the old key (ingest verified it): it vouches for the key to approve next.
        return _enrolment.AckReceivedAsync(nodeId, ack, cancellationToken);
    }

    public async Task TimeRequestAsync(string nodeId, ClockSyncRequest request, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (await _clock.RespondAsync(nodeId, request, receivedAt, cancellationToken))
        {
            await _commands.ResendAfterClockSyncAsync(nodeId, cancellationToken);
        }
    }

    public void EventStored(string nodeId, NodeEvent nodeEvent)
    {
        ArgumentNullException.ThrowIfNull(nodeEvent);
        if (nodeEvent.Kind == SecurityRefusedKind)
        {
            _metrics.NodeRefusals.WithLabels(SecurityMetrics.ReasonLabel(nodeEvent.Code)).Inc();
            RefusalStored?.Invoke(nodeId);
        }
    }
}
