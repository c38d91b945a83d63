using System.Text.Json;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>What one node answered to one command.</summary>
/// <param name="Status">The node's outcome.</param>
/// <param name="Reason">Why refused or failed.</param>
/// <param name="Result">What the command produced (e.g. the identity for "identify").</param>
/// <param name="At">When the Controller received the answer.</param>
internal sealed record CommandOutcome(CommandAckStatus Status, string? Reason, JsonElement? Result, DateTimeOffset At)
{
    /// <summary>
    /// False for a refusal the node will reverse once it has trusted time ("clock-untrusted"): the Controller keeps
    /// sending such a command until it expires, and sends it again right after the node's next clock sync.
    /// </summary>
    public bool IsFinal => !(Status == CommandAckStatus.Refused && Reason == Protocol.RefusalReasons.ClockUntrusted);
}
