using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>Refuses a security configuration that could not work, naming the key to fix.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var errors = new List<string>();
        if ((options.SigningKeyFile is null) != (options.CertificateFile is null))
        {
            errors.Add("Security:SigningKeyFile and Security:CertificateFile go together: set both (key and its certificate) or neither.");
        }

        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            var entry = options.SigningKeys[i];
            if (string.IsNullOrWhiteSpace(entry.KeyFile) || string.IsNullOrWhiteSpace(entry.CertificateFile))
            {
                errors.Add($"Security:SigningKeys:{i} needs both KeyFile and CertificateFile.");
            }
        }

        foreach (var (key, path) in ConfiguredFiles(options))
        {
            if (!File.Exists(path))
            {
                errors.Add($"Security:{key} names '{path}', which does not exist (create keys with: SmartLoudspeaker.Controller keys --help).");
            }
        }

        if (options.CommandLifetime <= TimeSpan.Zero || options.CommandLifetime > Protocol.SignedCommand.MaxLifetime)
        {
            errors.Add($"Security:CommandLifetime must be more than 0 and at most 24:00:00, not {options.CommandLifetime}.");
        }

        if (options.ResendInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Security:ResendInterval must be at least 00:00:01, not {options.ResendInterval}.");
        }

        if (options.SequenceBlockSize is < 1 or > 1_000_000_000_000)
        {
            errors.Add($"Security:SequenceBlockSize must be between 1 and 10^12, not {options.SequenceBlockSize}.");
        }

        if (options.ClockSyncMinInterval < TimeSpan.Zero)
        {
            errors.Add($"Security:ClockSyncMinInterval must not be negative, not {options.ClockSyncMinInterval}.");
        }

        if (options.ClockSyncMaxPerSecond < 1)
        {
            errors.Add($"Security:ClockSyncMaxPerSecond must be at least 1, not {options.ClockSyncMaxPerSecond}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
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
