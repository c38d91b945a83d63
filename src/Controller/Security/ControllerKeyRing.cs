using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// The Controller's signing keys, loaded (or, for the demo, generated) once at start and checked: each key matches its
/// certificate, and, when the root's public key is configured, each certificate and the revocation list verify against
/// it and no key in use is revoked. A configuration that would only make nodes refuse every command fails the start.
/// </summary>
internal sealed class ControllerKeyRing : IDisposable
{
    /// <summary>What the command endpoints answer when no key is configured.</summary>
    public const string HowToConfigure =
        "No signing key is configured. Either set Security:GenerateDemoKeys=true (demo: keys are made in {Store:DataDirectory}/keys/), "
        + "or create keys on an offline machine with 'SmartLoudspeaker.Controller keys init-root --out DIR' and "
        + "'keys issue --root DIR/root.key --kid ID --days N --out DIR', then set Security:SigningKeyFile, Security:CertificateFile "
        + "and Security:RootPublicKeyFile.";

    private readonly List<ECDsa> _owned = [];

    public ControllerKeyRing(IOptions<SecurityOptions> options, IOptions<StoreOptions> store, TimeProvider timeProvider, ILogger<ControllerKeyRing> logger)
    {
        var security = options.Value;
        var now = timeProvider.GetUtcNow();
        var entries = security.SigningKeys.Select(entry => (entry.KeyFile!, entry.CertificateFile!)).ToList();
        if (security.SigningKeyFile is { } keyFile && security.CertificateFile is { } certificateFile)
        {
            entries.Add((keyFile, certificateFile));
        }

        var rootFile = security.RootPublicKeyFile;
        if (entries.Count == 0 && security.GenerateDemoKeys)
        {
            var folder = Path.Combine(store.Value.DataDirectory, DemoKeys.FolderName);
            var demo = DemoKeys.Ensure(folder, now, logger);
            entries.Add((demo.KeyFile, demo.CertificateFile));
            rootFile ??= demo.RootPublicKeyFile;
            DemoRootPublicKeyFile = Path.GetFullPath(demo.RootPublicKeyFile);
            logger.LogWarning(
                "DEMO KEYS IN USE: the root's private key is on this machine ({RootKey}). Anyone who copies it can certify their own "
                + "signing key and command every node. Production keeps the root offline: 'keys init-root' on an offline machine, "
                + "'keys issue' for the Controller, and Security:SigningKeyFile/CertificateFile/RootPublicKeyFile here.",
                Path.GetFullPath(Path.Combine(folder, DemoKeys.RootKeyFile)));
        }

        using var trust = rootFile is null ? null : new TrustStore(KeyFiles.ReadPublicKey(rootFile));
        if (security.RevocationListFile is { } revocationFile)
        {
            RevocationPayload = KeyFiles.ReadSignedPayload(revocationFile);
            if (trust?.ApplyRevocations(RevocationPayload) is { } problem)
            {
                throw new InvalidDataException($"Security:RevocationListFile ({revocationFile}) does not verify against the root: {problem}.");
            }
        }

        if (trust is null && entries.Count > 0)
        {
            logger.LogWarning("Security:RootPublicKeyFile is not set, so the signing certificates were not checked against the root at start");
        }

        var keys = new List<SigningKey>();
        foreach (var (keyPath, certificatePath) in entries)
        {
            keys.Add(Load(keyPath, certificatePath, trust));
        }

        Keys = keys;
        foreach (var key in keys)
        {
            logger.LogInformation(
                "Signing key '{Kid}' loaded, certified {NotBefore:o} to {NotAfter:o}", key.Certificate.Kid, key.Certificate.NotBefore, key.Certificate.NotAfter);
        }
    }

    /// <summary>Every configured key, in configuration order; all their certificates are published.</summary>
    public IReadOnlyList<SigningKey> Keys { get; }

    /// <summary>The root-signed revocation list to publish, if configured.</summary>
    public byte[]? RevocationPayload { get; }

    /// <summary>Where the demo root's public key is, when demo keys are in use (what a node pins).</summary>
    public string? DemoRootPublicKeyFile { get; }

    /// <summary>
    /// The key that signs at <paramref name="now"/>: of those whose certificate covers it, the one that started last,
    /// so a new key takes over as soon as its certificate starts while the old one is still published for the overlap.
    /// </summary>
    public SigningKey? Current(DateTimeOffset now) =>
        Keys.Where(key => key.CoversAt(now)).MaxBy(key => key.Certificate.NotBefore);

    /// <summary>Why no key signs at <paramref name="now"/> (for a 503), or null when one does.</summary>
    public string? Unavailable(DateTimeOffset now) =>
        Keys.Count == 0 ? HowToConfigure
        : Current(now) is null ? $"No configured signing certificate covers {now:o} (certificates: {string.Join(", ", Keys.Select(key => $"{key.Certificate.Kid} {key.Certificate.NotBefore:o}–{key.Certificate.NotAfter:o}"))}). Issue a new one with 'keys issue'."
        : null;

    public void Dispose()
    {
        foreach (var key in _owned)
        {
            key.Dispose();
        }
    }

    private SigningKey Load(string keyPath, string certificatePath, TrustStore? trust)
    {
        var payload = KeyFiles.ReadSignedPayload(certificatePath);
        var parsed = SignedPayloadCodec.Parse<KeyCertificate>(payload);
        if (!parsed.Succeeded)
        {
            throw new InvalidDataException($"{certificatePath} is not a signed key certificate: {parsed.Detail}.");
        }

        var certificate = parsed.Message!.Message;
        if (trust?.AddCertificate(payload) is { } problem)
        {
            throw new InvalidDataException(
                problem == RefusalReasons.RevokedKey
                    ? $"The signing key '{certificate.Kid}' ({certificatePath}) is revoked by Security:RevocationListFile; issue a new key with 'keys issue'."
                    : $"{certificatePath} does not verify against Security:RootPublicKeyFile: {problem}.");
        }

        var key = KeyFiles.ReadPrivateKey(keyPath);
        _owned.Add(key);
        if (!key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(certificate.PublicKeyBytes()))
        {
            throw new InvalidDataException($"{keyPath} is not the key certified by {certificatePath} (kid '{certificate.Kid}').");
        }

        return new SigningKey(new PayloadSigner(key, certificate.Kid), certificate, payload);
    }
}
