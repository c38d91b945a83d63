namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/node/{id}/evack</c>: the controller has stored these events durably; the node may forget them.
/// </summary>
public sealed record EventAck : IWireMessage
{
    /// <summary>Most ids in one acknowledgement.</summary>
    public const int MaxIds = 256;

    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>
    /// The node whose events these are, equal to the topic's: inside the signed part, so an acknowledgement for one
    /// node cannot be moved to another node's topic.
    /// </summary>
    public required string NodeId { get; init; }

    /// <summary>Ids of the stored events.</summary>
    public required IReadOnlyList<string> Ids { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        !Identifiers.IsValid(NodeId) ? "nodeId is not a valid id"
        : Ids.Count is 0 or > MaxIds ? "ids must hold 1–256 ids"
        : Ids.Any(id => string.IsNullOrWhiteSpace(id) || id.Length > NodeEvent.MaxIdLength) ? "an id is blank or too long"
        : null;
}
