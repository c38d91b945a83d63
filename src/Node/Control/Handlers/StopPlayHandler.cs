using SmartLoudspeaker.Node.Audio;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>"stop-play": fades the play out or drops it; a play the node does not hold is stopped already.</summary>
internal sealed class StopPlayHandler(NodeAudio? audio) : ICommandHandler
{
    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<StopPlayCommand>();

    /// <inheritdoc />
    public Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
    {
        if (CommandCatalog.ReadBody<StopPlayCommand>(command) is not { } body || body.Validate() is not null)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.BadBody });
        }

        audio?.Stop(body.PlayId);
        return Task.FromResult(started with { Status = CommandAckStatus.Done });
    }
}
