namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>Open or closed; writers wait on it without polling.</summary>
internal sealed class StallGate
{
    private readonly Lock sync = new();
    private TaskCompletionSource open = OpenSignal();

    public bool IsClosed
    {
        get
        {
            lock (sync)
            {
                return !open.Task.IsCompleted;
            }
        }
    }

    public Task WhenOpen
    {
        get
        {
            lock (sync)
            {
                return open.Task;
            }
        }
    }

    public void Close()
    {
        lock (sync)
        {
            if (open.Task.IsCompleted)
            {
                open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Open()
    {
        lock (sync)
        {
            open.TrySetResult();
        }
    }

    private static TaskCompletionSource OpenSignal()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }
}
