namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/node/{id}/time-resp</c>, QoS 0, signed by a Controller signing key: the answer to a
/// <see cref="ClockSyncRequest"/>, with the request's nonce and t1 and the Controller's receive (t2) and send (t3)
/// times. With its own receive time t4 the node computes offset ((t2 − t1) + (t3 − t4)) / 2 and round trip
/// (t4 − t1) − (t3 − t2), as NTP does.
/// </summary>
public sealed record ClockSyncReply : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>Signing key id.</summary>
    public required string Kid { get; init; }

    /// <summary>The node this reply is for (a reply moved to another node's topic is refused).</summary>
    public required string NodeId { get; init; }

    /// <summary>The request's nonce.</summary>
    public required string Nonce { get; init; }

    /// <summary>The request's t1, echoed.</summary>
    public required DateTimeOffset T1 { get; init; }

    /// <summary>t2: Controller clock when the request arrived.</summary>
    public required DateTimeOffset T2 { get; init; }

    /// <summary>t3: Controller clock when the reply left.</summary>
    public required DateTimeOffset T3 { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        string.IsNullOrWhiteSpace(Kid) || Kid.Length > 64 ? "kid is required (at most 64 characters)"
        : !Identifiers.IsValid(NodeId) ? "nodeId is not a valid id"
        : string.IsNullOrWhiteSpace(Nonce) || Nonce.Length is < 16 or > 64 ? "nonce must be 16–64 characters"
        : T3 < T2 ? "t3 must not be before t2"
        : null;
}
