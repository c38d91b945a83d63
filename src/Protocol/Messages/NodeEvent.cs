namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/node/{id}/event</c>: something that happened (input edge, fault raised or cleared, play report),
/// published at once with QoS 1 and kept by the node until an <see cref="EventAck"/> names its <see cref="Id"/>.
/// The controller stores each id once, so a resend after a lost acknowledgement is harmless.
/// </summary>
public sealed record NodeEvent : IWireMessage
{
    /// <summary>Longest event id.</summary>
    public const int MaxIdLength = 64;

    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>Unique per node for ever (the node uses a random 128-bit id), so repeats can be recognised.</summary>
    public required string Id { get; init; }

    /// <summary>Message sequence within the session.</summary>
    public required int Seq { get; init; }

    /// <summary>The session sending it: a resend after a reconnect carries the new session's bdSeq and seq, the same id and ts.</summary>
    public required int BdSeq { get; init; }

    /// <summary>When it happened, on the node's clock.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <summary>Dotted kind, e.g. "fault.raised", "fault.cleared", "input.edge", "play.report", "node.started".</summary>
    public required string Kind { get; init; }

    /// <summary>How much it matters.</summary>
    public EventSeverity Severity { get; init; }

    /// <summary>Short machine-readable code, e.g. "overheat".</summary>
    public string? Code { get; init; }

    /// <summary>Human-readable detail, for logs (the UI shows translated text by code).</summary>
    public string? Text { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        string.IsNullOrWhiteSpace(Id) || Id.Length > MaxIdLength ? "id is required (at most 64 characters)"
        : Seq is < 0 or > 255 ? "seq must be 0–255"
        : BdSeq is < 0 or > 255 ? "bdSeq must be 0–255"
        : string.IsNullOrWhiteSpace(Kind) || Kind.Length > 64 ? "kind is required (at most 64 characters)"
        : !Enum.IsDefined(Severity) ? "severity is unknown"
        : Text is { Length: > 1024 } ? "text is longer than 1024 characters"
        : null;
}
