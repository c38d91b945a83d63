namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>"set-heartbeat": the node reports health at this interval from now on, and announces it in a new birth.</summary>
[CommandType("set-heartbeat")]
public sealed record SetHeartbeatCommand : ICommandBody
{
    /// <summary>Shortest interval a node accepts: more often would cost a 4G link for nothing.</summary>
    public const int MinSeconds = 10;

    /// <summary>Longest interval a node accepts: beyond it the fleet would take a silent node for a live one too long.</summary>
    public const int MaxSeconds = 3600;

    /// <summary>New interval, 10–3600 s.</summary>
    public required int HeartbeatSeconds { get; init; }

    /// <inheritdoc />
    public string? Validate() =>
        HeartbeatSeconds is < MinSeconds or > MaxSeconds ? $"'heartbeatSeconds' must be {MinSeconds}–{MaxSeconds}, not {HeartbeatSeconds}." : null;
}
