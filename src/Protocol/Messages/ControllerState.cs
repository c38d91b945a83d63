namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/controller/state</c>, retained, QoS 1: the controller's presence (online when it starts, offline by its
/// Last Will). A node that sees a new <see cref="Instance"/> come online publishes a fresh birth, so a restarted
/// controller learns the whole fleet without asking each node (Sparkplug 3's host STATE).
/// </summary>
public sealed record ControllerState : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>True while the controller is running.</summary>
    public required bool Online { get; init; }

    /// <summary>Random id of this controller process run.</summary>
    public required string Instance { get; init; }

    /// <summary>When the controller composed the message.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        string.IsNullOrWhiteSpace(Instance) || Instance.Length > 64 ? "instance is required (at most 64 characters)" : null;
}
