using SmartLoudspeaker.Node.Audio;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>"stream-stop": ends the live stream at its end timestamp, or now; a stream not playing is stopped already.</summary>
internal sealed class StreamStopHandler(NodeAudio? audio) : ICommandHandler
{
    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<StreamStopCommand>();

    /// <inheritdoc />
    public Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
    {
        if (CommandCatalog.ReadBody<StreamStopCommand>(command) is not { } body || body.Validate() is not null)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.BadBody });
        }

        audio?.StopStream(body);
        return Task.FromResult(started with { Status = CommandAckStatus.Done });
    }
}
