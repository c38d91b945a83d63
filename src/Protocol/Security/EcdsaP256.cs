using System.Security.Cryptography;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>
/// The one signature scheme: ECDSA over NIST P-256 with SHA-256, signatures in IEEE P1363 form (r‖s, 64 bytes),
/// public keys as DER SubjectPublicKeyInfo. From the BCL, so both ends need nothing else.
/// </summary>
public static class EcdsaP256
{
    /// <summary>Length of a signature.</summary>
    public const int SignatureLength = 64;

    /// <summary>A new key pair.</summary>
    public static ECDsa CreateKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Signs <paramref name="data"/>.</summary>
    public static byte[] Sign(ECDsa key, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature of <paramref name="data"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ECDsa publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return signature.Length == SignatureLength
            && publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Imports a public key from DER SubjectPublicKeyInfo; null when it is not a P-256 key.</summary>
    public static ECDsa? ImportPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length || key.KeySize != 256)
            {
                key.Dispose();
                return null;
            }

            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            return null;
        }
    }
}
