namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/node/{id}/birth</c>: the first message of every session. Opens a new <see cref="BdSeq"/> and resets
/// <see cref="Seq"/> to 0; the controller treats the node as online from here.
/// </summary>
public sealed record NodeBirth : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>Must equal the node id in the topic.</summary>
    public required string NodeId { get; init; }

    /// <summary>Birth/death sequence of this session (0–255, wraps); the matching Will carries the same number.</summary>
    public required int BdSeq { get; init; }

    /// <summary>Message sequence, always 0 for a birth.</summary>
    public int Seq { get; init; }

    /// <summary>When the node composed this message, on its own clock.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <summary>Node software version.</summary>
    public required string Software { get; init; }

    /// <summary>What the node runs on.</summary>
    public required HardwareProfile Hardware { get; init; }

    /// <summary>What this node can do (see docs/protocol.md, "Capabilities").</summary>
    public required IReadOnlyList<string> Capabilities { get; init; }

    /// <summary>Zones (villages, areas) the node belongs to; zone commands reach it.</summary>
    public required IReadOnlyList<string> Zones { get; init; }

    /// <summary>Interval between health reports; the controller declares the node offline after 2.5 × this.</summary>
    public required int HeartbeatSeconds { get; init; }

    /// <summary>Whole seconds since the node process started.</summary>
    public long UptimeSeconds { get; init; }

    /// <inheritdoc />
    public string? FindProblem()
    {
        if (!Identifiers.IsValid(NodeId))
        {
            return "nodeId is not a valid id";
        }

        if (BdSeq is < 0 or > 255)
        {
            return "bdSeq must be 0–255";
        }

        if (Seq != 0)
        {
            return "a birth has seq 0";
        }

        if (string.IsNullOrWhiteSpace(Software) || string.IsNullOrWhiteSpace(Hardware.Model))
        {
            return "software and hardware.model are required";
        }

        if (Zones.Count == 0 || Zones.Any(zone => !Identifiers.IsValid(zone)))
        {
            return "zones must hold at least one valid zone id";
        }

        if (Capabilities.Any(string.IsNullOrWhiteSpace))
        {
            return "capabilities must not be blank";
        }

        return HeartbeatSeconds is < 1 or > 3600 ? "heartbeatSeconds must be 1–3600" : null;
    }
}
