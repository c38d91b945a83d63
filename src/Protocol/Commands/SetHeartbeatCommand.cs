namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>"set-heartbeat": the node reports health at this interval from now on, and announces it in a new birth.</summary>
[CommandType("set-heartbeat")]
public sealed record SetHeartbeatCommand : ICommandBody
{
    /// <summary>Shortest interval a node accepts: more often would cost a 4G link for nothing.</summary>
    public const int MinSeconds = 10;

    /// <summary>
    /// Longest interval a node accepts: beyond it a silent node would be taken for a live one for too long (the
    /// Controller marks a node offline after 2.5 heartbeats of silence, so 300 s shows a fault within 12.5 minutes).
    /// </summary>
    public const int MaxSeconds = 300;

    /// <summary>New interval, 10–300 s.</summary>
    public required int HeartbeatSeconds { get; init; }

    /// <inheritdoc />
    public string? Validate() => ValidateUpTo(MaxSeconds);

    /// <summary>
    /// As <see cref="Validate"/>, with a lower maximum where a Controller is configured to believe less than the
    /// protocol allows; a larger <paramref name="maxSeconds"/> does not widen the protocol's range.
    /// </summary>
    public string? ValidateUpTo(int maxSeconds)
    {
        var max = Math.Min(maxSeconds, MaxSeconds);
        return HeartbeatSeconds < MinSeconds || HeartbeatSeconds > max ? $"'heartbeatSeconds' must be {MinSeconds}–{max}, not {HeartbeatSeconds}." : null;
    }
}
