namespace SmartLoudspeaker.Protocol;

/// <summary>"set-heartbeat": the node reports health at this interval from now on, and announces it in a new birth.</summary>
[CommandType("set-heartbeat")]
public sealed record SetHeartbeatCommand
{
    /// <summary>New interval, 10–3600 s.</summary>
    public required int HeartbeatSeconds { get; init; }
}
