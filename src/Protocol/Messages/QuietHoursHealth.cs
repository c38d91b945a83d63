namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>The quiet hours a node holds and enforces (set by "set-quiet-hours").</summary>
public sealed record QuietHoursHealth
{
    /// <summary>The commune settings' version of the window the node holds; 0 while it holds none from a Controller.</summary>
    public required long Version { get; init; }

    /// <summary>True when the node is inside its quiet-hours window now: only emergencies sound.</summary>
    public required bool Active { get; init; }
}
