using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>Refuses a security configuration that could not work, naming the key to fix.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var errors = new List<string>();
        if ((options.SigningKeyFile is null) != (options.CertificateFile is null))
        {
            errors.Add(options.SigningKeyFile is null
                ? InvalidSetting.Describe("Security:SigningKeyFile", null, "must be set when Security:CertificateFile is (a key and its certificate go together)")
                : InvalidSetting.Describe("Security:CertificateFile", null, "must be set when Security:SigningKeyFile is (a key and its certificate go together)"));
        }

        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            var entry = options.SigningKeys[i];
            if (string.IsNullOrWhiteSpace(entry.KeyFile) || string.IsNullOrWhiteSpace(entry.CertificateFile))
            {
                errors.Add(string.IsNullOrWhiteSpace(entry.KeyFile)
                    ? InvalidSetting.Describe($"Security:SigningKeys:{i}:KeyFile", entry.KeyFile, "must be set (each signing key needs KeyFile and CertificateFile)")
                    : InvalidSetting.Describe($"Security:SigningKeys:{i}:CertificateFile", entry.CertificateFile, "must be set (each signing key needs KeyFile and CertificateFile)"));
            }
        }

        foreach (var (key, path) in ConfiguredFiles(options))
        {
            if (!File.Exists(path))
            {
                errors.Add(InvalidSetting.Describe($"Security:{key}", path, "must name an existing file (create keys with: SmartLoudspeaker.Controller keys --help)"));
            }
            else if (FindContentProblem(key, path) is { } problem)
            {
                errors.Add(InvalidSetting.Describe($"Security:{key}", path, problem));
            }
        }

        if (options.CommandLifetime <= TimeSpan.Zero || options.CommandLifetime > Protocol.Messages.SignedCommand.MaxLifetime)
        {
            errors.Add(InvalidSetting.Describe("Security:CommandLifetime", options.CommandLifetime, "must be more than 00:00:00 and at most 1.00:00:00"));
        }

        if (options.ResendInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add(InvalidSetting.Describe("Security:ResendInterval", options.ResendInterval, "must be at least 00:00:01"));
        }

        if (options.SequenceBlockSize is < 1 or > 1_000_000_000_000)
        {
            errors.Add(InvalidSetting.Describe("Security:SequenceBlockSize", options.SequenceBlockSize, "must be 1–1000000000000"));
        }

        if (options.ClockSyncMinInterval < TimeSpan.Zero)
        {
            errors.Add(InvalidSetting.Describe("Security:ClockSyncMinInterval", options.ClockSyncMinInterval, "must not be negative"));
        }

        if (options.ClockSyncMaxPerSecond < 1)
        {
            errors.Add(InvalidSetting.Describe("Security:ClockSyncMaxPerSecond", options.ClockSyncMaxPerSecond, "must be at least 1"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Whether the file holds what its setting needs (a key, a certificate, a list), so a wrong file is reported as
    /// the setting it is. Whether the files agree with each other (the key is the certified one, the root signed the
    /// certificate) is checked where they are loaded.
    /// </summary>
    private static string? FindContentProblem(string key, string path)
    {
        var (what, read) = key switch
        {
            nameof(SecurityOptions.RootPublicKeyFile) => ("a P-256 public key (PEM, base64url or DER)", (Action)(() => KeyFiles.ReadPublicKey(path))),
            nameof(SecurityOptions.RevocationListFile) => ("a root-signed revocation list", () => RequireSigned<Protocol.Messages.KeyRevocationList>(path)),
            _ when key.EndsWith("CertificateFile", StringComparison.Ordinal) => ("a root-signed key certificate", () => RequireSigned<Protocol.Messages.KeyCertificate>(path)),
            _ => ("a PKCS#8 PEM ECDSA P-256 private key", () => KeyFiles.ReadPrivateKey(path).Dispose()),
        };

        try
        {
            read();
            return null;
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return $"must name a file holding {what} ({exception.Message.ReplaceLineEndings(" ").TrimEnd('.')})";
        }
    }

    private static void RequireSigned<T>(string path)
        where T : class, Protocol.IWireMessage
    {
        var parsed = Protocol.Security.SignedPayloadCodec.Parse<T>(KeyFiles.ReadSignedPayload(path));
        if (!parsed.Succeeded)
        {
            throw new InvalidDataException(parsed.Detail);
        }
    }

    private static IEnumerable<(string Key, string Path)> ConfiguredFiles(SecurityOptions options)
    {
        if (options.RootPublicKeyFile is { } root)
        {
            yield return (nameof(options.RootPublicKeyFile), root);
        }

        if (options.SigningKeyFile is { } key)
        {
            yield return (nameof(options.SigningKeyFile), key);
        }

        if (options.CertificateFile is { } certificate)
        {
            yield return (nameof(options.CertificateFile), certificate);
        }

        if (options.RevocationListFile is { } revocations)
        {
            yield return (nameof(options.RevocationListFile), revocations);
        }

        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(options.SigningKeys[i].KeyFile))
            {
                yield return ($"SigningKeys:{i}:KeyFile", options.SigningKeys[i].KeyFile!);
            }

            if (!string.IsNullOrWhiteSpace(options.SigningKeys[i].CertificateFile))
            {
                yield return ($"SigningKeys:{i}:CertificateFile", options.SigningKeys[i].CertificateFile!);
            }
        }
    }
}
