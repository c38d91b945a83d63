using System.Security.Cryptography;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>
/// What a technician compares to recognise a node's key: the first 128 bits of SHA-256 over its DER
/// SubjectPublicKeyInfo, as eight groups of four hex digits ("3f2a 91bc …"). The node prints it at start and on its
/// console; the enrolment page shows it beside the request.
/// </summary>
public static class KeyFingerprint
{
    /// <summary>The fingerprint of a public key.</summary>
    public static string Of(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(subjectPublicKeyInfo, digest);
        var hex = Convert.ToHexStringLower(digest[..16]);
        return string.Join(' ', Enumerable.Range(0, 8).Select(group => hex.Substring(group * 4, 4)));
    }
}
