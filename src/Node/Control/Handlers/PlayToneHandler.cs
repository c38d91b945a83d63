using SmartLoudspeaker.Node.Audio;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>"play-tone": hands the tone to the arbiter; what happens to it afterwards comes as "play.report" events.</summary>
internal sealed class PlayToneHandler(NodeAudio? audio) : ICommandHandler
{
    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<PlayToneCommand>();

    /// <inheritdoc />
    public Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
    {
        if (CommandCatalog.ReadBody<PlayToneCommand>(command) is not { } body || body.Validate() is not null)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.BadBody });
        }

        var accepted = audio?.PlayTone(body) == true;
        return Task.FromResult(accepted
            ? started with { Status = CommandAckStatus.Done }
            : started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.NoAudio });
    }
}
