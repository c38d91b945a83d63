using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Enrolment;

/// <summary>
/// <c>sl/v1/enrol/{nodeId}/request</c>, in the signed form, signed by the key it carries (proof that the sender holds
/// it): a node asks to join the fleet. The Controller holds it until a technician approves it, or approves it at once
/// when it carries a valid enrolment token's proof. It carries no secret: the node's public key and the hash of the
/// broker password the node chose.
/// </summary>
public sealed record EnrolmentRequest : IWireMessage
{
    /// <summary>Most zones a node may ask for.</summary>
    public const int MaxZones = 16;

    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>The node id asked for; equal to the topic's.</summary>
    public required string NodeId { get; init; }

    /// <summary>When the node asked, on its clock (shown; a node's clock may be wrong).</summary>
    public required DateTimeOffset Ts { get; init; }

    /// <summary>Zones the node is configured for; the technician decides the approved ones.</summary>
    public required IReadOnlyList<string> Zones { get; init; }

    /// <summary>What it runs on (the serial lets a technician match the cabinet).</summary>
    public required HardwareProfile Hardware { get; init; }

    /// <summary>Software version.</summary>
    public required string Software { get; init; }

    /// <summary>The node's public key: DER SubjectPublicKeyInfo (P-256), base64. It signs this request.</summary>
    public required string PublicKey { get; init; }

    /// <summary>Hash of the node's broker password (<see cref="BrokerPasswordHash"/>).</summary>
    public required string PasswordHash { get; init; }

    /// <summary>Id of the enrolment token the node was installed with, if any.</summary>
    public string? TokenId { get; init; }

    /// <summary>Proof of the token's secret (<see cref="EnrolmentTokenProof"/>), base64url; with <see cref="TokenId"/>.</summary>
    public string? TokenProof { get; init; }

    /// <summary>The public key's DER bytes, or null when <see cref="PublicKey"/> is not base64.</summary>
    public byte[]? PublicKeyBytes()
    {
        try
        {
            return Convert.FromBase64String(PublicKey);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public string? FindProblem()
    {
        if (!Identifiers.IsValid(NodeId))
        {
            return "nodeId is not a valid id";
        }

        if (Zones.Count is 0 or > MaxZones || Zones.Any(zone => !Identifiers.IsValid(zone)))
        {
            return "zones must hold 1–16 valid zone ids";
        }

        if (string.IsNullOrWhiteSpace(Hardware.Model) || Hardware.Model.Length > 128 || Hardware.Serial is { Length: > 64 } || Hardware.Os is { Length: > 128 })
        {
            return "hardware is missing or too long";
        }

        if (string.IsNullOrWhiteSpace(Software) || Software.Length > 64)
        {
            return "software is required (at most 64 characters)";
        }

        if (PublicKey.Length > 256 || PublicKeyBytes() is not { } key || !IsP256(key))
        {
            return "publicKey is not a P-256 SubjectPublicKeyInfo in base64";
        }

        if (!BrokerPasswordHash.IsWellFormed(PasswordHash))
        {
            return "passwordHash is not a $7$ PBKDF2-SHA512 hash";
        }

        if ((TokenId is null) != (TokenProof is null))
        {
            return "tokenId and tokenProof come together";
        }

        return TokenId is { } id && !Identifiers.IsValid(id) ? "tokenId is not a valid id"
            : TokenProof is { Length: > 64 } ? "tokenProof is too long"
            : null;
    }

    private static bool IsP256(byte[] key)
    {
        using var imported = EcdsaP256.ImportPublicKey(key);
        return imported is not null;
    }
}
