namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/controller/revocations</c>, retained, signed by the offline root key: signing keys that must no longer
/// be trusted (a stolen Controller disk). Nodes keep the union of every list they verified, persistently, so an
/// older list replayed by an attacker cannot take a revocation back.
/// </summary>
public sealed record KeyRevocationList : IWireMessage
{
    /// <summary>Most key ids in one list.</summary>
    public const int MaxKids = 256;

    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>Increases with every list the root issues.</summary>
    public required long Serial { get; init; }

    /// <summary>When the root issued it.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Revoked key ids.</summary>
    public required IReadOnlyList<string> RevokedKids { get; init; }

    /// <inheritdoc />
    public string? FindProblem() =>
        Serial <= 0 ? "serial must be positive"
        : RevokedKids.Count > MaxKids ? "too many revoked kids"
        : RevokedKids.Any(kid => string.IsNullOrWhiteSpace(kid) || kid.Length > 64) ? "a revoked kid is blank or too long"
        : null;
}
