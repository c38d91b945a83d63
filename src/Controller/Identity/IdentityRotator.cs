using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Identity;

/// <summary>
/// A technician's "rotate key": the rotation is recorded first (so the node's answer always finds it), then
/// "rotate-identity" goes out through the signed command path; if it cannot be issued the record is dropped again.
/// </summary>
internal sealed class IdentityRotator(EnrolmentService enrolment, CommandService commands)
{
    /// <summary>
    /// Starts a rotation of <paramref name="nodeId"/>. The outcome is <see cref="IdentityOutcome.Done"/> with the issue's
    /// result (which may itself have failed: no keys, a node never seen), or why no rotation could be recorded.
    /// </summary>
    public async Task<(IdentityOutcome Outcome, IssueResult? Issue)> RotateAsync(string nodeId, string by, CancellationToken cancellationToken)
    {
        if (commands.Unavailable() is { } unavailable)
        {
            return (IdentityOutcome.Done, IssueResult.Unavailable(unavailable));
        }

        var commandId = CommandService.NewCommandId();
        var begun = await enrolment.BeginRotationAsync(nodeId, commandId, by, cancellationToken);
        if (begun != IdentityOutcome.Done)
        {
            return (begun, null);
        }

        var issued = await commands.IssueAsync(
            new CommandTarget { Node = nodeId }, CommandCatalog.NameOf<RotateIdentityCommand>(), null, commandId, cancellationToken);
        if (issued.Failure != IssueFailure.None)
        {
            await enrolment.AbandonRotationAsync(nodeId, commandId);
        }

        return (IdentityOutcome.Done, issued);
    }
}
