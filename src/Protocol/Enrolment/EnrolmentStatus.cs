namespace SmartLoudspeaker.Protocol.Enrolment;

/// <summary>
/// <c>sl/v1/enrol/{nodeId}/status</c>, not retained: the Controller tells a node waiting on the enrolment account
/// what became of its request, so an approved node connects with its own credentials at once instead of at its next
/// retry. Only a hint: the broker's acceptance of the node's credentials is what enrolment means, so a forged status
/// gains nothing (a forged "approved" costs the node one refused connect).
/// </summary>
public sealed record EnrolmentStatus : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>The node the request was for.</summary>
    public required string NodeId { get; init; }

    /// <summary>Where it stands.</summary>
    public required EnrolmentState State { get; init; }

    /// <summary>Fingerprint of the key the decision is about (<see cref="Security.KeyFingerprint"/>).</summary>
    public required string Fingerprint { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        !Identifiers.IsValid(NodeId) ? "nodeId is not a valid id"
        : !Enum.IsDefined(State) ? "state is unknown"
        : string.IsNullOrWhiteSpace(Fingerprint) || Fingerprint.Length > 64 ? "fingerprint is required"
        : null;
}
