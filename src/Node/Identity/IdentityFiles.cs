using System.Security.Cryptography;
using System.Text;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Node.Identity;

/// <summary>
/// The node's identity in its data folder: <c>node-key.pem</c> (the private key, PKCS#8 PEM) and
/// <c>broker-password</c> (the password on its first line, its <c>$7$</c> hash on the second), both readable by the
/// node's user only (0600). Each is written to a temporary sibling created owner-only before the secret goes in,
/// fsynced and renamed over the old one, so a power cut leaves the old file or the new one, never a mix; the two files
/// are each whole, so any pair of them is a usable identity (at worst one that must be enrolled again).
/// A file that is there but unreadable is an error naming it, never silently replaced: a node that quietly made a new
/// key would lose its enrolment.
/// </summary>
internal static class IdentityFiles
{
    /// <summary>The private key's file name.</summary>
    public const string KeyFileName = "node-key.pem";

    /// <summary>The broker password's file name.</summary>
    public const string PasswordFileName = "broker-password";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The credentials kept in <paramref name="dataDirectory"/>, made and written there first when there are none
    /// (<paramref name="created"/> then true). A missing password file next to a key gets a new password.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is there but is not what it should be (the message names it).</exception>
    /// <exception cref="IOException">The folder cannot be read or written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the folder or a file.</exception>
    public static NodeCredentials LoadOrCreate(string dataDirectory, out bool created)
    {
        Directory.CreateDirectory(dataDirectory);
        var keyPath = Path.Combine(dataDirectory, KeyFileName);
        var passwordPath = Path.Combine(dataDirectory, PasswordFileName);
        created = false;
        if (!File.Exists(keyPath))
        {
            var fresh = NodeCredentials.CreateNew();
            Save(dataDirectory, fresh);
            created = true;
            return fresh;
        }

        var key = ReadKey(keyPath);
        try
        {
            string password;
            string hash;
            if (File.Exists(passwordPath))
            {
                (password, hash) = ReadPassword(passwordPath);
            }
            else
            {
                password = BrokerPasswordHash.NewPassword();
                hash = BrokerPasswordHash.Create(password);
                WriteAll(dataDirectory, [(passwordPath, PasswordText(password, hash))]);
            }

            TightenMode(keyPath);
            TightenMode(passwordPath);
            return new NodeCredentials(key, password, hash);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="dataDirectory"/> holds a key file (readable or not).</summary>
    public static bool KeyExists(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, KeyFileName));

    /// <summary>Writes both files (replacing old ones only once both new ones are on disk).</summary>
    public static void Save(string dataDirectory, NodeCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        Directory.CreateDirectory(dataDirectory);
        WriteAll(
            dataDirectory,
            [
                (Path.Combine(dataDirectory, KeyFileName), credentials.ExportPrivateKeyPem() + "\n"),
                (Path.Combine(dataDirectory, PasswordFileName), PasswordText(credentials.Password, credentials.PasswordHash)),
            ]);
    }

    private static string PasswordText(string password, string hash) => password + "\n" + hash + "\n";

    private static ECDsa ReadKey(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new InvalidDataException($"{path} holds a {key.KeySize}-bit key, not ECDSA P-256.");
            }

            return key;
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException or InvalidDataException)
        {
            key.Dispose();
            throw new InvalidDataException(
                $"{path} is not the node's PKCS#8 PEM private key ({exception.Message}). It is not replaced: restore it, or move it away to give this node a new identity, which must then be enrolled again.",
                exception);
        }
    }

    private static (string Password, string Hash) ReadPassword(string path)
    {
        var lines = File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 2 || !BrokerPasswordHash.Verify(lines[0], lines[1]))
        {
            throw new InvalidDataException(
                $"{path} does not hold the node's broker password and its hash (two lines). It is not replaced: restore it, or move it away to give this node a new password, which must then be enrolled again.");
        }

        return (lines[0], lines[1]);
    }

    /// <summary>Writes every temporary file first, then renames each over its target, then syncs the folder.</summary>
    private static void WriteAll(string dataDirectory, IReadOnlyList<(string Path, string Content)> files)
    {
        foreach (var (path, content) in files)
        {
            WriteOwnerOnly(path + ".tmp", Encoding.ASCII.GetBytes(content));
        }

        foreach (var (path, _) in files)
        {
            File.Move(path + ".tmp", path, overwrite: true);
        }

        DurableFile.SyncDirectory(Path.GetFullPath(dataDirectory));
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        // A leftover temporary file keeps its old mode when opened again: start from a new one.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // Created with the mode already, before the secret goes in; set again in case a umask or ACL widened it.
            File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnly);
        }

        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    private static void TightenMode(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }
}
