using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>"emergency-test": makes no sound, raises an event that proves the emergency path end to end.</summary>
internal sealed class EmergencyTestHandler(INodeControlHost host) : ICommandHandler
{
    /// <summary>Event kind of an obeyed "emergency-test".</summary>
    public const string EventKind = "emergency.test";

    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<EmergencyTestCommand>();

    /// <inheritdoc />
    public async Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
    {
        var note = CommandCatalog.ReadBody<EmergencyTestCommand>(command)?.Note;
        var text = $"Emergency test {command.Id} (seq {command.Seq}){(note is null ? string.Empty : ": " + note)}";
        await host.RaiseEventAsync(EventKind, EventSeverity.Warning, Type, LogText.Limit(text)).ConfigureAwait(false);
        return started with { Status = CommandAckStatus.Done };
    }
}
