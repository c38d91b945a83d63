using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// The key file formats: private keys as PKCS#8 PEM (what openssl and every HSM tool read), public keys as base64url
/// DER SubjectPublicKeyInfo on one line (what a node's <c>Node:Security:RootPublicKeyFile</c> reads; PEM and raw DER
/// are accepted too), certificates and revocation lists in the signed two-line wire form, exactly as published.
/// </summary>
internal static class KeyFiles
{
    /// <summary>Reads a P-256 private key from PKCS#8 PEM.</summary>
    /// <exception cref="InvalidDataException">Not a P-256 private key.</exception>
    public static ECDsa ReadPrivateKey(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new InvalidDataException($"{path} holds a {key.KeySize}-bit key; signing keys are ECDSA P-256.");
            }

            return key;
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException($"{path} is not a PKCS#8 PEM private key: {exception.Message}", exception);
        }
        catch (InvalidDataException)
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Writes a private key as PKCS#8 PEM, readable by its owner only, refusing to overwrite one.</summary>
    public static void WritePrivateKey(string path, ECDsa key)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads a public key file (base64url text, PEM, or raw DER) as DER SubjectPublicKeyInfo.</summary>
    /// <exception cref="InvalidDataException">Not a P-256 public key.</exception>
    public static byte[] ReadPublicKey(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes).Trim();
        byte[]? der;
        if (text.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            using var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(text);
            }
            catch (Exception exception) when (exception is ArgumentException or CryptographicException)
            {
                throw new InvalidDataException($"{path} is not a PEM public key: {exception.Message}", exception);
            }

            der = key.ExportSubjectPublicKeyInfo();
        }
        else
        {
            der = DecodeBase64Url(text) ?? bytes;
        }

        using var check = EcdsaP256.ImportPublicKey(der)
            ?? throw new InvalidDataException($"{path} is not a P-256 public key (base64url or DER SubjectPublicKeyInfo, or PEM).");
        return der;
    }

    /// <summary>Writes a public key as one line of base64url DER SubjectPublicKeyInfo.</summary>
    public static void WritePublicKey(string path, ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        DurableFile.Replace(path, Encoding.ASCII.GetBytes(Base64Url.EncodeToString(subjectPublicKeyInfo) + "\n"));

    /// <summary>Reads a signed two-line payload as it goes on the wire (a trailing newline from an editor is dropped).</summary>
    public static byte[] ReadSignedPayload(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var length = bytes.Length;
        while (length > 0 && bytes[length - 1] is (byte)'\n' or (byte)'\r')
        {
            length--;
        }

        return bytes[..length];
    }

    private static byte[]? DecodeBase64Url(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        return Base64Url.DecodeFromChars(text, buffer, out _, out var written) == System.Buffers.OperationStatus.Done ? buffer[..written] : null;
    }
}
