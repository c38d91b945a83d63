using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>The random secrets of accounts (passwords, session cookies, API tokens) and how they are kept: hashed.</summary>
internal static class AccountSecrets
{
    /// <summary>What every API token starts with, so a leaked one is recognisable (secret scanners, logs).</summary>
    public const string TokenPrefix = "sl_";

    // No 0/O, 1/l/I: the first admin's password is read off a terminal and typed on a phone.
    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>A random password of 20 characters (about 116 bits), shown once to whoever must type it.</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString(PasswordAlphabet, 20);

    /// <summary>A session cookie's secret: 32 random bytes, base64url.</summary>
    public static string NewSessionSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>An API token: the prefix and 32 random bytes, base64url.</summary>
    public static string NewToken() => TokenPrefix + NewSessionSecret();

    /// <summary>A public id (sessions, tokens): 12 random bytes, hex; it proves nothing, it only names.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>
    /// SHA-256 of a secret, hex. A plain hash is enough for 256-bit random secrets (no dictionary to try); passwords,
    /// which people choose, go through <c>PasswordHasher</c> instead.
    /// </summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
