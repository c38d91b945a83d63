using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>"identify": answers with the node's identity and state in the acknowledgement's result.</summary>
internal sealed class IdentifyHandler(INodeControlHost host, Func<long> commandHighWater) : ICommandHandler
{
    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<IdentifyCommand>();

    /// <inheritdoc />
    public Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken) =>
        Task.FromResult(started with
        {
            Status = CommandAckStatus.Done,
            Result = CommandCatalog.WriteBody(host.Describe(time.Trusted, commandHighWater())),
        });
}
