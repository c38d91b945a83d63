using SmartLoudspeaker.Node.Audio;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>"stream-start": accepts the live stream, whose signed packets may then sound, and queues its play.</summary>
internal sealed class StreamStartHandler(NodeAudio? audio) : ICommandHandler
{
    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<StreamStartCommand>();

    /// <inheritdoc />
    public Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
    {
        if (CommandCatalog.ReadBody<StreamStartCommand>(command) is not { } body || body.Validate() is not null)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.BadBody });
        }

        if (audio is null)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.NoAudio });
        }

        return Task.FromResult(audio.StartStream(body)
            ? started with { Status = CommandAckStatus.Done }
            : started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.StreamClosed });
    }
}
