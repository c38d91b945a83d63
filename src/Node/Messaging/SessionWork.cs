namespace SmartLoudspeaker.Node.Messaging;

/// <summary>One item for a session's publisher: work that composes its messages when its turn comes, or a ready one.</summary>
/// <param name="Kind">What it stands for.</param>
/// <param name="Message">The ready message, for <see cref="SessionWorkKind.Publish"/>.</param>
/// <param name="Sent">Completed true once the broker has it, false when this connection will not send it.</param>
internal sealed record SessionWork(SessionWorkKind Kind, OutboundMessage? Message = null, TaskCompletionSource<bool>? Sent = null)
{
    /// <summary>A ready message whose sender waits for the broker to have it.</summary>
    public static SessionWork Publish(OutboundMessage message) =>
        new(SessionWorkKind.Publish, message, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
}
