using System.Buffers.Text;

namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>
/// <c>sl/v1/controller/keys/{kid}</c>, retained, signed by the offline root key: "the Controller signing key
/// <see cref="Kid"/> is this public key, valid in this window". Nodes pin only the root; they learn signing keys
/// from these, so a signing key can be rotated (publish the new certificate, then sign with the new key) without
/// touching a node.
/// </summary>
public sealed record KeyCertificate : IWireMessage
{
    /// <inheritdoc />
    public int V { get; init; } = WireSchema.Version;

    /// <summary>Key id that commands name in <see cref="SignedCommand.Kid"/>.</summary>
    public required string Kid { get; init; }

    /// <summary>The signing key's public key: DER SubjectPublicKeyInfo, base64url.</summary>
    public required string PublicKey { get; init; }

    /// <summary>Start of validity.</summary>
    public required DateTimeOffset NotBefore { get; init; }

    /// <summary>End of validity.</summary>
    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>The public key bytes, or null when <see cref="PublicKey"/> is not base64url.</summary>
    public byte[]? PublicKeyBytes()
    {
        var bytes = new byte[Base64Url.GetMaxDecodedLength(PublicKey.Length)];
        return Base64Url.DecodeFromChars(PublicKey, bytes, out _, out var written) == System.Buffers.OperationStatus.Done
            ? bytes[..written]
            : null;
    }

    /// <inheritdoc />
    public string? FindProblem() =>
        !Identifiers.IsValid(Kid) ? "kid must be a valid id (it is a topic level)"
        : string.IsNullOrWhiteSpace(PublicKey) || PublicKey.Length > 256 || PublicKeyBytes() is null ? "publicKey must be base64url DER"
        : NotAfter <= NotBefore ? "notAfter must be after notBefore"
        : null;
}
