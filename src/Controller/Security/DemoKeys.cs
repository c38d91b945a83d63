using System.Security.Cryptography;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// The demo's keys, made on first start in <c>{Store:DataDirectory}/keys/</c> and reused afterwards (nodes pin the
/// root, so a new root on every start would lock them out). The root's private key lies next to the Controller here,
/// which is exactly what production must not do.
/// </summary>
internal static class DemoKeys
{
    /// <summary>Folder under the data directory.</summary>
    public const string FolderName = "keys";

    /// <summary>The demo root's private key; the name says it all.</summary>
    public const string RootKeyFile = "root-DEMO-ONLY.key";

    /// <summary>The root's public key as nodes read it (base64url SubjectPublicKeyInfo).</summary>
    public const string RootPublicKeyFile = "root.pub";

    /// <summary>The Controller signing key.</summary>
    public const string SigningKeyFile = "signing.key";

    /// <summary>Its certificate.</summary>
    public const string CertificateFile = "signing.cert";

    /// <summary>Key id of the demo signing key.</summary>
    public const string Kid = "controller-demo";

    /// <summary>
    /// Long, because nobody rotates a demo's key; production certificates come from <c>keys issue --days N</c>.
    /// </summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(5 * 365);

    /// <summary>Makes whatever is missing of the demo keys in <paramref name="folder"/>; returns (key file, certificate file, root public key file).</summary>
    public static (string KeyFile, string CertificateFile, string RootPublicKeyFile) Ensure(string folder, DateTimeOffset now, ILogger logger)
    {
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, SigningKeyFile);
        var certificateFile = Path.Combine(folder, CertificateFile);
        var rootPublicFile = Path.Combine(folder, RootPublicKeyFile);
        var rootKeyFile = Path.Combine(folder, RootKeyFile);
        if (File.Exists(keyFile) && File.Exists(certificateFile) && File.Exists(rootPublicFile))
        {
            return (keyFile, certificateFile, rootPublicFile);
        }

        using var root = File.Exists(rootKeyFile) ? KeyFiles.ReadPrivateKey(rootKeyFile) : NewRoot(rootKeyFile, rootPublicFile, logger);
        using var signing = EcdsaP256.CreateKey();
        var certificate = KeyIssuer.Certify(new PayloadSigner(root, "root"), Kid, signing.ExportSubjectPublicKeyInfo(), now, Validity);
        File.Delete(keyFile);
        KeyFiles.WritePrivateKey(keyFile, signing);
        DurableFile.Replace(certificateFile, certificate);
        logger.LogWarning("Generated the demo signing key '{Kid}' and its certificate in {Folder}", Kid, folder);
        return (keyFile, certificateFile, rootPublicFile);
    }

    private static ECDsa NewRoot(string rootKeyFile, string rootPublicFile, ILogger logger)
    {
        var root = EcdsaP256.CreateKey();
        KeyFiles.WritePrivateKey(rootKeyFile, root);
        KeyFiles.WritePublicKey(rootPublicFile, root.ExportSubjectPublicKeyInfo());
        logger.LogWarning(
            "Generated a DEMO root key at {RootKey}; nodes must pin {RootPublic} (Node:Security:RootPublicKeyFile)",
            rootKeyFile,
            rootPublicFile);
        return root;
    }
}
