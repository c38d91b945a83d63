namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>
/// A sink that fails on command, for tests and simulation: the playout loop's handling of an xrun, of a device that
/// disappears and of a write that takes too long can only be proven by making them happen. Each command is one-shot
/// and applies to the next write; everything else goes straight to the wrapped sink, which this one owns.
/// </summary>
internal sealed class FaultInjectingSink : IAudioSink
{
    private readonly IAudioSink _inner;
    private readonly TimeProvider _nodeTime;
    private readonly Lock _gate = new();
    private AudioSinkFault? _nextFault;
    private TimeSpan _nextStall;

    /// <summary>Wraps <paramref name="inner"/>; stalls are waited on <paramref name="nodeTime"/>, the node's clock.</summary>
    public FaultInjectingSink(IAudioSink inner, TimeProvider nodeTime)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(nodeTime);
        _inner = inner;
        _nodeTime = nodeTime;
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public int Delay => _inner.Delay;

    /// <summary>
    /// The next write throws <see cref="AudioSinkException"/> with <paramref name="fault"/> and writes nothing, as a
    /// device reporting an xrun or its own disappearance does; a later command replaces one not yet used.
    /// </summary>
    public void FailNextWrite(AudioSinkFault fault)
    {
        if (!Enum.IsDefined(fault))
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault, "Not a sink fault.");
        }

        lock (_gate)
        {
            _nextFault = fault;
        }
    }

    /// <summary>
    /// The next write that does not fail first waits <paramref name="stall"/> of node time, then writes: the samples
    /// reach the device late (it may run dry meanwhile), as when the writing thread is starved.
    /// </summary>
    public void StallNextWrite(TimeSpan stall)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stall, TimeSpan.Zero);
        lock (_gate)
        {
            _nextStall = stall;
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, DateTimeOffset? contentInstant, CancellationToken cancellationToken)
    {
        AudioSinkFault? fault;
        var stall = TimeSpan.Zero;
        lock (_gate)
        {
            fault = _nextFault;
            _nextFault = null;
            if (fault is null)
            {
                stall = _nextStall;
                _nextStall = TimeSpan.Zero;
            }
        }

        if (fault is { } failure)
        {
            throw new AudioSinkException(failure, $"Injected fault: {failure}.");
        }

        if (stall > TimeSpan.Zero)
        {
            await Task.Delay(stall, _nodeTime, cancellationToken);
        }

        await _inner.WriteAsync(samples, contentInstant, cancellationToken);
    }

    /// <summary>Disposes the wrapped sink.</summary>
    public void Dispose() => _inner.Dispose();
}
