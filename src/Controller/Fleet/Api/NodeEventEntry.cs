using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary>One stored node event.</summary>
public sealed record NodeEventEntry
{
    /// <summary>The controller's number for it: increasing in storing order, the cursor of the events endpoint.</summary>
    public required long Seq { get; init; }

    /// <summary>The node's event id.</summary>
    public required string Id { get; init; }

    /// <summary>Dotted kind, e.g. "fault.raised".</summary>
    public required string Kind { get; init; }

    /// <summary>How much it matters.</summary>
    public required EventSeverity Severity { get; init; }

    /// <summary>Machine-readable code, if any.</summary>
    public string? Code { get; init; }

    /// <summary>Human-readable detail, if any.</summary>
    public string? Text { get; init; }

    /// <summary>When it happened, on the node's clock.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <summary>When the controller first received it, on its clock.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}
