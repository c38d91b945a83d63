using System.Text.Json;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Control;

/// <summary>
/// What the node did with one accepted command, kept so that the Controller's resend of it (a new signature and sequence
/// number under the same id, after a lost ack) gets the same answer without the node acting twice.
/// </summary>
/// <param name="Id">The command id.</param>
/// <param name="Content">SHA-256 of the type, target and body, base64url: the same id asking for something else is not a resend.</param>
/// <param name="Exp">
/// The command's expiry (the latest of its envelopes): until this plus the clock skew allowance, a resend can still
/// be valid, so the outcome is kept.
/// </param>
/// <param name="Status">The ack status; null while the action is under way (still null after a crash mid-action).</param>
/// <param name="Reason">Reason code of a failure.</param>
/// <param name="Result">What the command produced (e.g. <see cref="NodeIdentity"/>).</param>
/// <param name="Ts">When the node decided.</param>
internal sealed record CommandOutcome(string Id, string Content, DateTimeOffset Exp, CommandAckStatus? Status, string? Reason, JsonElement? Result, DateTimeOffset Ts);
