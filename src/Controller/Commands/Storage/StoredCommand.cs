using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands.Storage;

/// <summary>
/// An issued command as the store keeps it (collection <c>commands</c>, docs/storage.md): the signed part as first
/// issued, every sequence number it was signed with, when it was last sent, and each addressed node's outcome so far.
/// </summary>
/// <param name="Command">The signed part as first issued.</param>
/// <param name="Seqs">Every sequence number it was signed with, the first one first.</param>
/// <param name="LastSentAt">When it was last sent (or tried to be), for the resend interval after a restart.</param>
/// <param name="Outcomes">One entry per node addressed or answering.</param>
internal sealed record StoredCommand(SignedCommand Command, IReadOnlyList<long> Seqs, DateTimeOffset LastSentAt, IReadOnlyList<StoredOutcome> Outcomes);
