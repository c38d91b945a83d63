using System.Text.Json;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>One node's outcome of a command, as the API shows it.</summary>
public sealed record CommandOutcomeView
{
    /// <summary>The node.</summary>
    public required string NodeId { get; init; }

    /// <summary>"pending" (no answer yet), "unanswered" (none before expiry), or the node's "done", "refused", "failed".</summary>
    public required string Status { get; init; }

    /// <summary>The node's stable reason code for a refusal or failure (e.g. "replayed", "clock-untrusted").</summary>
    public string? Reason { get; init; }

    /// <summary>What the command produced, e.g. the node's identity for "identify".</summary>
    public JsonElement? Result { get; init; }

    /// <summary>When the Controller received the answer; null while pending.</summary>
    public DateTimeOffset? At { get; init; }
}
