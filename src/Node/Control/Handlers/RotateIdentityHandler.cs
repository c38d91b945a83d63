using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>
/// "rotate-identity": a new key and broker password, stored before the "done" goes out; the node switches to them once
/// it has (see <see cref="INodeControlHost.PrepareNewIdentity"/>). The "done" carries the new key's fingerprint
/// (<see cref="RotatedIdentity"/>): signed with the old key, it tells the Controller which request to approve at once.
/// Not stored: "failed", nothing changed.
/// </summary>
internal sealed class RotateIdentityHandler(INodeControlHost host) : ICommandHandler
{
    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<RotateIdentityCommand>();

    /// <inheritdoc />
    public Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            var fingerprint = host.PrepareNewIdentity(command.Id);
            return Task.FromResult(started with
            {
                Status = CommandAckStatus.Done,
                Result = CommandCatalog.WriteBody(new RotatedIdentity { Fingerprint = fingerprint }),
            });
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.StorageFailed });
        }
    }
}
