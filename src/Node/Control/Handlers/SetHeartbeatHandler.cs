using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>"set-heartbeat": reports health at the new interval, if the body passes the protocol's own rule.</summary>
internal sealed class SetHeartbeatHandler(INodeControlHost host) : ICommandHandler
{
    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<SetHeartbeatCommand>();

    /// <inheritdoc />
    public Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
    {
        if (CommandCatalog.ReadBody<SetHeartbeatCommand>(command) is not { } body || body.Validate() is not null)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.BadBody });
        }

        host.SetHeartbeat(TimeSpan.FromSeconds(body.HeartbeatSeconds));
        return Task.FromResult(started with { Status = CommandAckStatus.Done });
    }
}
