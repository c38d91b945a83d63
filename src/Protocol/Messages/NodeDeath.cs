namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/node/{id}/death</c>: the node's Last Will (registered at connect) or its own goodbye.
/// The controller ignores a death whose <see cref="BdSeq"/> is not the current session's: a late Will from an
/// older connection must not mark a node offline that has already come back.
/// </summary>
public sealed record NodeDeath : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>Must equal the node id in the topic.</summary>
    public required string NodeId { get; init; }

    /// <summary>The session this death ends.</summary>
    public required int BdSeq { get; init; }

    /// <summary>Lost (Will) or shutdown (goodbye).</summary>
    public required DeathReason Reason { get; init; }

    /// <summary>When composed: for a Will, the time of the connect that registered it.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        !Identifiers.IsValid(NodeId) ? "nodeId is not a valid id"
        : BdSeq is < 0 or > 255 ? "bdSeq must be 0–255"
        : !Enum.IsDefined(Reason) ? "reason is unknown"
        : null;
}
