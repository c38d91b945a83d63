using System.Text.Json;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands.Storage;

/// <summary>One node's part of a <see cref="StoredCommand"/>: its answer, or none yet (<paramref name="Status"/> null).</summary>
/// <param name="NodeId">The node.</param>
/// <param name="Status">Its answer's status; null while it has not answered.</param>
/// <param name="Reason">Why refused or failed.</param>
/// <param name="Result">What the command produced.</param>
/// <param name="At">When the Controller received the answer.</param>
internal sealed record StoredOutcome(string NodeId, CommandAckStatus? Status, string? Reason, JsonElement? Result, DateTimeOffset? At);
