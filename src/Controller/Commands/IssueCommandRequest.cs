using System.Text.Json;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>The body of a command request: a type of the catalogue and, when the type has arguments, its body.</summary>
public sealed record IssueCommandRequest
{
    /// <summary>Command type, e.g. "identify", "set-heartbeat" (see CommandCatalog).</summary>
    public string? Type { get; init; }

    /// <summary>The type's arguments, e.g. {"heartbeatSeconds":60} for "set-heartbeat"; omitted when it has none.</summary>
    public JsonElement? Body { get; init; }
}
