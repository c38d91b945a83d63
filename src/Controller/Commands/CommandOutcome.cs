using System.Text.Json;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>What one node answered to one command.</summary>
/// <param name="Status">The node's outcome.</param>
/// <param name="Reason">Why refused or failed.</param>
/// <param name="Result">What the command produced (e.g. the identity for "identify").</param>
/// <param name="At">When the Controller received the answer.</param>
internal sealed record CommandOutcome(CommandAckStatus Status, string? Reason, JsonElement? Result, DateTimeOffset At)
{
    /// <summary>
    /// False for a refusal that is not the node's answer to the command itself, so the Controller keeps sending it,
    /// signed anew, until it expires: "clock-untrusted" (reversed once the node has trusted time; sent again right
    /// after its next clock sync), "replayed" (the node refused a second copy of an envelope it accepted, e.g. a
    /// broker's duplicate; its answer to the first may have been lost, and a resend gets it without a second action),
    /// "too-old" (the number fell below the node's replay window; a new one does not) and "too-many-commands" (the node
    /// holds as many unexpired command ids as it keeps; it takes this one once older ones expire).
    /// </summary>
    public bool IsFinal => !(Status == CommandAckStatus.Refused && Reason is RefusalReasons.ClockUntrusted
        or RefusalReasons.Replayed or RefusalReasons.TooOld or RefusalReasons.TooManyCommands);
}
