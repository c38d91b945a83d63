namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/node/{id}/time-req</c>, QoS 0: a node asks the Controller for its time. The random
/// <see cref="Nonce"/> comes back inside the signed reply, so a recorded reply cannot be replayed to shift a clock.
/// </summary>
public sealed record ClockSyncRequest : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>128 random bits, base64url; unique per request.</summary>
    public required string Nonce { get; init; }

    /// <summary>t1: the node's clock when it sent the request.</summary>
    public required DateTimeOffset T1 { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        string.IsNullOrWhiteSpace(Nonce) || Nonce.Length is < 16 or > 64 ? "nonce must be 16–64 characters" : null;
}
