using System.Buffers.Text;
using System.Security.Cryptography;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Configuration;

/// <summary>
/// Reads the pinned root public key from configuration. Installers copy it around as text or as the file
/// <c>openssl ec -pubout</c> writes, so base64url, base64, PEM and raw DER are all accepted; anything that is not a
/// P-256 public key is refused at start, before the node could silently obey nobody.
/// </summary>
internal static class RootKey
{
    /// <summary>The DER SubjectPublicKeyInfo in <paramref name="text"/>, or null with the problem.</summary>
    public static byte[]? Parse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        byte[]? der;
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            der = PemEncoding.TryFind(trimmed, out var fields) && trimmed[fields.Label] == "PUBLIC KEY"
                ? Convert.FromBase64String(trimmed[fields.Base64Data])
                : null;
        }
        else
        {
            der = DecodeBase64Either(trimmed);
        }

        return Check(der, out problem);
    }

    /// <summary>The key in the file at <paramref name="path"/>, or null with the problem.</summary>
    public static byte[]? ReadFile(string path, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"cannot read '{path}': {exception.Message}";
            return null;
        }

        // A DER SEQUENCE starts with 0x30; base64 of one starts with 'M', PEM with '-', so text never does.
        return content is [0x30, ..] ? Check(content, out problem) : Parse(System.Text.Encoding.UTF8.GetString(content), out problem);
    }

    private static byte[]? DecodeBase64Either(string text)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        if (compact.Length == 0)
        {
            return null;
        }

        if (Base64Url.IsValid(compact))
        {
            return Base64Url.DecodeFromChars(compact);
        }

        var buffer = new byte[compact.Length];
        return Convert.TryFromBase64String(compact, buffer, out var written) ? buffer[..written] : null;
    }

    private static byte[]? Check(byte[]? der, out string? problem)
    {
        using var key = der is null ? null : EcdsaP256.ImportPublicKey(der);
        problem = key is null ? "not a P-256 public key (DER SubjectPublicKeyInfo as base64url, base64, PEM or DER)" : null;
        return key is null ? null : der;
    }
}
