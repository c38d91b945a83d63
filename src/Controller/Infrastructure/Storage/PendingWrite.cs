namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>Writes queued together and completed together: true once durable (for an event: false if already stored).</summary>
internal sealed class PendingWrite
{
    public PendingWrite(IReadOnlyList<StoreOp> ops)
    {
        Ops = ops;
    }

    public IReadOnlyList<StoreOp> Ops { get; }

    /// <summary>Completes after the batch's durability point, never before.</summary>
    public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
