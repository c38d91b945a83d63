using System.Globalization;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// The <c>keys</c> verbs of the Controller executable, for the offline root (they run instead of the web host):
/// <c>keys init-root --out DIR</c>, <c>keys issue --root DIR/root.key --kid ID --days N --out DIR</c>,
/// <c>keys revoke --root DIR/root.key --kid ID [--kid ID…] --serial N --out FILE</c>. Meant for an offline machine:
/// the root's private key never has to touch the Controller.
/// </summary>
internal static class KeyCommandLine
{
    /// <summary>Exit code of a command line that could not be understood.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a command that failed (a file exists, a key does not read).</summary>
    public const int Failure = 1;

    private const string Usage = """
        Usage (run on the offline machine that keeps the root key):
          SmartLoudspeaker.Controller keys init-root --out DIR
              Creates DIR/root.key (the root's private key, PKCS#8 PEM: keep it offline) and DIR/root.pub
              (its public key, base64url; copy it to every node as Node:Security:RootPublicKeyFile).
          SmartLoudspeaker.Controller keys issue --root DIR/root.key --kid ID --days N --out DIR2
              Creates a Controller signing key DIR2/signing.key and its root-signed certificate DIR2/signing.cert,
              valid N days. Copy both to the Controller (Security:SigningKeyFile, Security:CertificateFile).
          SmartLoudspeaker.Controller keys revoke --root DIR/root.key --kid ID [--kid ID ...] --serial N --out FILE
              Creates a root-signed revocation list (Security:RevocationListFile). N must grow with every list;
              a list replaces the previous one, so repeat every key still revoked.
        """;

    /// <summary>True when the process was started to run a <c>keys</c> verb.</summary>
    public static bool Handles(string[] args) => args is ["keys", ..];

    /// <summary>Runs the verb in <paramref name="args"/> (starting with "keys"); returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (args.Length < 2 || args[1] is "--help" or "-h" or "help")
        {
            output.WriteLine(Usage);
            return args.Length < 2 ? UsageError : 0;
        }

        var code = Dispatch(args, output, error, timeProvider.GetUtcNow());
        if (code == UsageError)
        {
            error.WriteLine(Usage);
        }

        return code;
    }

    private static int Dispatch(string[] args, TextWriter output, TextWriter error, DateTimeOffset now)
    {
        if (!TryParseOptions(args.AsSpan(2), out var options, out var problem))
        {
            error.WriteLine(problem);
            return UsageError;
        }

        try
        {
            return args[1] switch
            {
                "init-root" => InitRoot(options, output, error),
                "issue" => Issue(options, output, error, now),
                "revoke" => Revoke(options, output, error, now),
                _ => Unknown(args[1], error),
            };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            error.WriteLine($"keys {args[1]}: {exception.Message}");
            return Failure;
        }
    }

    private static int InitRoot(Dictionary<string, List<string>> options, TextWriter output, TextWriter error)
    {
        if (Single(options, "out", error) is not { } folder)
        {
            return UsageError;
        }

        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "root.key");
        var publicFile = Path.Combine(folder, "root.pub");
        using var root = EcdsaP256.CreateKey();
        KeyFiles.WritePrivateKey(keyFile, root);
        KeyFiles.WritePublicKey(publicFile, root.ExportSubjectPublicKeyInfo());
        output.WriteLine($"Root key: {keyFile} (keep it offline; anyone holding it can certify signing keys)");
        output.WriteLine($"Root public key: {publicFile} (copy to every node: Node:Security:RootPublicKeyFile)");
        return 0;
    }

    private static int Issue(Dictionary<string, List<string>> options, TextWriter output, TextWriter error, DateTimeOffset now)
    {
        if (Single(options, "root", error) is not { } rootFile
            || Single(options, "kid", error) is not { } kid
            || Single(options, "days", error) is not { } daysText
            || Single(options, "out", error) is not { } folder)
        {
            return UsageError;
        }

        if (!Identifiers.IsValid(kid))
        {
            error.WriteLine($"--kid '{kid}' must be 1–64 characters of a–z, 0–9 and '-' (it is a topic level).");
            return UsageError;
        }

        if (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 3650)
        {
            error.WriteLine($"--days must be a whole number 1–3650, not '{daysText}'.");
            return UsageError;
        }

        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "signing.key");
        var certificateFile = Path.Combine(folder, "signing.cert");
        if (File.Exists(certificateFile))
        {
            error.WriteLine($"{certificateFile} exists; issue into another folder (the old key stays valid for the overlap).");
            return Failure;
        }

        using var root = KeyFiles.ReadPrivateKey(rootFile);
        using var signing = EcdsaP256.CreateKey();
        var certificate = KeyIssuer.Certify(new PayloadSigner(root, "root"), kid, signing.ExportSubjectPublicKeyInfo(), now, TimeSpan.FromDays(days));
        KeyFiles.WritePrivateKey(keyFile, signing);
        DurableFile.Replace(certificateFile, certificate);
        output.WriteLine($"Signing key '{kid}': {keyFile} (Security:SigningKeyFile)");
        output.WriteLine($"Certificate, valid {days} days: {certificateFile} (Security:CertificateFile)");
        return 0;
    }

    private static int Revoke(Dictionary<string, List<string>> options, TextWriter output, TextWriter error, DateTimeOffset now)
    {
        if (Single(options, "root", error) is not { } rootFile
            || Single(options, "serial", error) is not { } serialText
            || Single(options, "out", error) is not { } outFile)
        {
            return UsageError;
        }

        var kids = options.GetValueOrDefault("kid") ?? [];
        if (kids.Count == 0 || kids.Any(kid => !Identifiers.IsValid(kid)))
        {
            error.WriteLine("revoke needs at least one --kid, each 1–64 characters of a–z, 0–9 and '-'.");
            return UsageError;
        }

        if (!long.TryParse(serialText, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) || serial < 1)
        {
            error.WriteLine($"--serial must be a whole number ≥ 1, not '{serialText}'.");
            return UsageError;
        }

        using var root = KeyFiles.ReadPrivateKey(rootFile);
        var list = KeyIssuer.Revoke(new PayloadSigner(root, "root"), kids.Distinct(StringComparer.Ordinal).ToList(), serial, now);
        var folder = Path.GetDirectoryName(Path.GetFullPath(outFile))!;
        Directory.CreateDirectory(folder);
        DurableFile.Replace(outFile, list);
        output.WriteLine($"Revocation list {serial} of {string.Join(", ", kids)}: {outFile} (Security:RevocationListFile)");
        return 0;
    }

    private static int Unknown(string verb, TextWriter error)
    {
        error.WriteLine($"Unknown verb 'keys {verb}'.");
        return UsageError;
    }

    private static string? Single(Dictionary<string, List<string>> options, string name, TextWriter error)
    {
        if (options.TryGetValue(name, out var values) && values.Count == 1)
        {
            return values[0];
        }

        error.WriteLine(values is null ? $"--{name} is required." : $"--{name} may be given once.");
        return null;
    }

    private static bool TryParseOptions(ReadOnlySpan<string> args, out Dictionary<string, List<string>> options, out string? problem)
    {
        options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        problem = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"Expected '--name value' pairs, found '{args[i]}'.";
                return false;
            }

            var name = args[i][2..];
            if (!options.TryGetValue(name, out var values))
            {
                options[name] = values = [];
            }

            values.Add(args[i + 1]);
        }

        return true;
    }
}
