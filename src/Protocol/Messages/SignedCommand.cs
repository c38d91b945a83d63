using System.Text.Json;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// The signed part of a <see cref="CommandEnvelope"/>: everything a node needs to decide whether to obey.
/// Key id, target, timestamp, expiry and sequence are inside it, so none can be changed without breaking the signature.
/// </summary>
public sealed record SignedCommand : IWireMessage
{
    /// <summary>Longest allowed validity: a command is worth nothing after this.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>Unique command id; acknowledgements name it, and a repeat of it is a replay.</summary>
    public required string Id { get; init; }

    /// <summary>Id of the controller signing key that signed this.</summary>
    public required string Kid { get; init; }

    /// <summary>Whom it is for.</summary>
    public required CommandTarget Target { get; init; }

    /// <summary>When the controller issued it, on the controller's clock.</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <summary>After this instant the command must not be obeyed.</summary>
    public required DateTimeOffset Exp { get; init; }

    /// <summary>Controller-wide sequence number; strictly increasing and never reused, even across restarts.</summary>
    public required long Seq { get; init; }

    /// <summary>Command type, e.g. "identify" (docs/protocol.md, "Commands").</summary>
    public required string Type { get; init; }

    /// <summary>Type-specific arguments.</summary>
    public JsonElement? Body { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        string.IsNullOrWhiteSpace(Id) || Id.Length > 64 ? "id is required (at most 64 characters)"
        : !Identifiers.IsValid(Kid) ? "kid must be a valid id"
        : !Target.IsWellFormed ? "target must name exactly one valid node, zone, or all"
        : Exp <= Ts ? "exp must be after ts"
        : Exp - Ts > MaxLifetime ? "exp is more than 24 h after ts"
        : Seq <= 0 ? "seq must be positive"
        : string.IsNullOrWhiteSpace(Type) || Type.Length > 64 ? "type is required (at most 64 characters)"
        : null;
}
