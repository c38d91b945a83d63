using System.Security.Cryptography;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>
/// What a node trusts: the pinned root public key, the Controller signing keys the root has certified, and the
/// keys the root has revoked. Every certificate and revocation list is verified against the root before it counts.
/// Thread-safe. The node persists <see cref="CertificatePayloads"/> and <see cref="RevokedKids"/> and feeds them
/// back at start, so it can verify commands before the broker has redelivered anything.
/// </summary>
public sealed class TrustStore : IDisposable
{
    private readonly ECDsa root;
    private readonly Dictionary<string, (KeyCertificate Certificate, ECDsa Key, byte[] Payload)> keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> revoked = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Pins the root public key (DER SubjectPublicKeyInfo).</summary>
    public TrustStore(ReadOnlySpan<byte> rootPublicKey)
    {
        root = EcdsaP256.ImportPublicKey(rootPublicKey)
            ?? throw new ArgumentException("The root public key is not a P-256 SubjectPublicKeyInfo.", nameof(rootPublicKey));
    }

    /// <summary>Revoked key ids, for persistence.</summary>
    public IReadOnlyCollection<string> RevokedKids
    {
        get
        {
            lock (gate)
            {
                return [.. revoked];
            }
        }
    }

    /// <summary>The verified certificates as received, for persistence.</summary>
    public IReadOnlyList<byte[]> CertificatePayloads
    {
        get
        {
            lock (gate)
            {
                return [.. keys.Values.Select(entry => entry.Payload)];
            }
        }
    }

    /// <summary>Verifies a certificate against the root and trusts its key; returns null or the refusal reason.</summary>
    public string? AddCertificate(ReadOnlyMemory<byte> payload)
    {
        var parsed = SignedPayloadCodec.Parse<KeyCertificate>(payload);
        if (!parsed.Succeeded)
        {
            return RefusalReasons.Malformed;
        }

        var (signed, certificate) = (parsed.Message!.Payload, parsed.Message.Message);
        if (!EcdsaP256.Verify(root, signed.SignedBytes.Span, signed.Signature))
        {
            return RefusalReasons.BadSignature;
        }

        var key = EcdsaP256.ImportPublicKey(certificate.PublicKeyBytes());
        if (key is null)
        {
            return RefusalReasons.Malformed;
        }

        lock (gate)
        {
            if (revoked.Contains(certificate.Kid))
            {
                key.Dispose();
                return RefusalReasons.RevokedKey;
            }

            if (keys.Remove(certificate.Kid, out var previous))
            {
                previous.Key.Dispose();
            }

            keys[certificate.Kid] = (certificate, key, payload.ToArray());
        }

        return null;
    }

    /// <summary>Verifies a revocation list against the root and revokes its keys for good; returns null or the refusal reason.</summary>
    public string? ApplyRevocations(ReadOnlyMemory<byte> payload)
    {
        var parsed = SignedPayloadCodec.Parse<KeyRevocationList>(payload);
        if (!parsed.Succeeded)
        {
            return RefusalReasons.Malformed;
        }

        if (!EcdsaP256.Verify(root, parsed.Message!.Payload.SignedBytes.Span, parsed.Message.Payload.Signature))
        {
            return RefusalReasons.BadSignature;
        }

        Revoke(parsed.Message.Message.RevokedKids);
        return null;
    }

    /// <summary>Revokes key ids (a persisted list the node reloads at start).</summary>
    public void Revoke(IEnumerable<string> kids)
    {
        ArgumentNullException.ThrowIfNull(kids);
        lock (gate)
        {
            foreach (var kid in kids)
            {
                revoked.Add(kid);
                if (keys.Remove(kid, out var entry))
                {
                    entry.Key.Dispose();
                }
            }
        }
    }

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/> by key <paramref name="kid"/> at the signer's <paramref name="signedAt"/>.</summary>
    /// <returns>Null when genuine; otherwise the refusal reason.</returns>
    public string? Verify(string kid, DateTimeOffset signedAt, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        lock (gate)
        {
            if (revoked.Contains(kid))
            {
                return RefusalReasons.RevokedKey;
            }

            if (!keys.TryGetValue(kid, out var entry))
            {
                return RefusalReasons.UnknownKey;
            }

            if (!EcdsaP256.Verify(entry.Key, data, signature))
            {
                return RefusalReasons.BadSignature;
            }

            return signedAt < entry.Certificate.NotBefore || signedAt > entry.Certificate.NotAfter ? RefusalReasons.KeyNotValid : null;
        }
    }

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="data"/> by any Controller key the root certified and
    /// has not revoked: for a message that names no key and carries no time, such as an event acknowledgement, which
    /// moves nothing but a node's outbox (so a key's validity dates are not checked).
    /// </summary>
    /// <returns>Null when genuine; otherwise the refusal reason.</returns>
    public string? VerifyByAnyTrustedKey(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        lock (gate)
        {
            if (keys.Count == 0)
            {
                return RefusalReasons.UnknownKey;
            }

            foreach (var entry in keys.Values)
            {
                if (EcdsaP256.Verify(entry.Key, data, signature))
                {
                    return null;
                }
            }

            return RefusalReasons.BadSignature;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            foreach (var entry in keys.Values)
            {
                entry.Key.Dispose();
            }

            keys.Clear();
        }

        root.Dispose();
    }
}
