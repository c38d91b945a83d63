using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>
/// Carries out one command type. The gate has verified the command and stored its sequence number before a handler
/// sees it; the handler runs off the verification path, so a slow one delays no other command.
/// </summary>
internal interface ICommandHandler
{
    /// <summary>The command type (see <see cref="CommandCatalog"/>) this handler carries out.</summary>
    string Type { get; }

    /// <summary>Carries out <paramref name="command"/>; returns <paramref name="started"/> with its status (and result) set.</summary>
    Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken);
}
