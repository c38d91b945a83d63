namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>
/// An enrolment token. The secret is kept (base64url) because verifying a node's proof is an HMAC keyed with it; it is
/// shown once, when the token is made, and never returned by any read (docs/security.md says why that is acceptable).
/// </summary>
/// <param name="Id">Token id (the part before the dot).</param>
/// <param name="Secret">The secret, base64url.</param>
/// <param name="SecretDigest">SHA-256 of the secret, hex: lets a technician match a token without seeing its secret.</param>
/// <param name="Expires">After this instant it approves nobody.</param>
/// <param name="Zones">Zones a node enrolled with it is given.</param>
/// <param name="MaxUses">How many nodes it may enrol.</param>
/// <param name="Uses">How many it has enrolled.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">Who made it (a technician, or <c>configuration</c> for <c>Enrolment:BootstrapTokens</c>).</param>
/// <param name="Revoked">True once a technician revoked it.</param>
public sealed record EnrolmentTokenRecord(
    string Id,
    string Secret,
    string SecretDigest,
    DateTimeOffset Expires,
    IReadOnlyList<string> Zones,
    int MaxUses,
    int Uses,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    bool Revoked)
{
    /// <summary>True when it may approve one more node at <paramref name="now"/>.</summary>
    public bool UsableAt(DateTimeOffset now) => !Revoked && now < Expires && Uses < MaxUses;
}
