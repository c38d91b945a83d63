using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>A node's decision about one received command payload.</summary>
/// <param name="Envelope">The parsed envelope, when it could be parsed (present for refusals after parsing too).</param>
/// <param name="Refusal">Null when accepted; otherwise one of <see cref="RefusalReasons"/>.</param>
/// <param name="Detail">Why, for the log.</param>
public sealed record CommandVerdict(CommandEnvelope? Envelope, string? Refusal, string? Detail)
{
    /// <summary>True when the node must obey (and has already recorded the sequence number).</summary>
    public bool Accepted => Refusal is null && Envelope is not null;
}
