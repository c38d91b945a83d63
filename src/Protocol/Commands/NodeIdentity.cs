namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>What a node says about itself in answer to "identify" (in <see cref="CommandAck.Result"/>).</summary>
public sealed record NodeIdentity
{
    /// <summary>Node id.</summary>
    public required string NodeId { get; init; }

    /// <summary>Zones.</summary>
    public required IReadOnlyList<string> Zones { get; init; }

    /// <summary>Software version.</summary>
    public required string Software { get; init; }

    /// <summary>Board model.</summary>
    public required string Model { get; init; }

    /// <summary>Current session.</summary>
    public required int BdSeq { get; init; }

    /// <summary>Health interval in seconds.</summary>
    public required int HeartbeatSeconds { get; init; }

    /// <summary>Whole seconds since the node started.</summary>
    public long UptimeSeconds { get; init; }

    /// <summary>True when the node trusts its clock.</summary>
    public bool ClockTrusted { get; init; }

    /// <summary>Highest command sequence number the node has accepted.</summary>
    public long CommandHighWater { get; init; }
}
