using System.Text.Json;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/node/{id}/ack</c>: a node's answer to one command. Idempotent by <see cref="Id"/>: a node that sees
/// the same command again answers with the same outcome and does not act twice.
/// </summary>
public sealed record CommandAck : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>The command's id.</summary>
    public required string Id { get; init; }

    /// <summary>Must equal the node id in the topic.</summary>
    public required string NodeId { get; init; }

    /// <summary>Outcome.</summary>
    public required CommandAckStatus Status { get; init; }

    /// <summary>Why refused or failed: a stable code such as "bad-signature", "replayed", "expired".</summary>
    public string? Reason { get; init; }

    /// <summary>What the command produced, for commands that answer (e.g. <see cref="NodeIdentity"/> for "identify").</summary>
    public JsonElement? Result { get; init; }

    /// <summary>When the node decided, on its clock.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        string.IsNullOrWhiteSpace(Id) || Id.Length > 64 ? "id is required (at most 64 characters)"
        : !Identifiers.IsValid(NodeId) ? "nodeId is not a valid id"
        : !Enum.IsDefined(Status) ? "status is unknown"
        : Status != CommandAckStatus.Done && string.IsNullOrWhiteSpace(Reason) ? "a refusal or failure needs a reason"
        : Reason is { Length: > 256 } ? "reason is longer than 256 characters"
        : null;
}
