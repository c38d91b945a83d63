using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>A command the Controller issued and what each addressed node answered.</summary>
public sealed record CommandView
{
    /// <summary>Command id (inside the signed part; acknowledgements name it).</summary>
    public required string Id { get; init; }

    /// <summary>Command type, e.g. "identify".</summary>
    public required string Type { get; init; }

    /// <summary>Whom it was for: exactly one of node, zone, all.</summary>
    public required CommandTarget Target { get; init; }

    /// <summary>The sequence number it was first sent with.</summary>
    public required long Seq { get; init; }

    /// <summary>
    /// Every sequence number it was signed with, in order: the first, then one per resend (a resend is a new signature
    /// with a new number under the same id). A node's "replayed" refusal naming one of them is someone replaying it.
    /// </summary>
    public required IReadOnlyList<long> Seqs { get; init; }

    /// <summary>The key that first signed it.</summary>
    public required string Kid { get; init; }

    /// <summary>Its <c>ts</c>.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Its <c>exp</c>.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>One entry per node addressed when it was issued (for a zone or the fleet: the nodes known then) or that answered.</summary>
    public required IReadOnlyList<CommandOutcomeView> Outcomes { get; init; }
}
