using System.Security.Cryptography;
using System.Text;

namespace SmartLoudspeaker.Protocol.Security;

/// <summary>
/// A broker password as stored, never the password itself: Mosquitto 2's <c>$7$</c> form,
/// <c>$7${iterations}${salt}${hash}</c> with PBKDF2-HMAC-SHA512, a 12-byte salt and a 64-byte hash, both in
/// standard base64 (what <c>mosquitto_passwd</c> writes). A node computes it from the password it chose and sends
/// only this in its enrolment request; the Controller checks connections against it and writes it unchanged into a
/// generated Mosquitto password file, so the secret never travels and never rests anywhere but on the node.
/// </summary>
public static class BrokerPasswordHash
{
    /// <summary>Iterations written by this code; <c>mosquitto_passwd</c>'s default.</summary>
    public const int DefaultIterations = 101;

    /// <summary>Fewest iterations accepted from a node (below that the hash is too cheap to guess against).</summary>
    public const int MinIterations = 100;

    /// <summary>Most iterations accepted: a node cannot make every connect check cost the broker seconds.</summary>
    public const int MaxIterations = 100_000;

    /// <summary>Longest hash string accepted.</summary>
    public const int MaxLength = 160;

    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    /// <summary>The stored form of <paramref name="password"/> with a fresh random salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return $"$7${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>True when <paramref name="stored"/> is a well-formed hash this code can check.</summary>
    public static bool IsWellFormed(string? stored) => TryParse(stored, out _, out _, out _);

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>; false for a malformed hash.</summary>
    public static bool Verify(string? password, string? stored)
    {
        if (password is null || !TryParse(stored, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations), expected);
    }

    /// <summary>A random password of 32 bytes, base64url: what a node or the Controller chooses for itself.</summary>
    public static string NewPassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);

    private static bool TryParse(string? stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        if (stored is null || stored.Length > MaxLength || !stored.StartsWith("$7$", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = stored[3..].Split('$');
        if (parts.Length != 3
            || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out iterations)
            || iterations is < MinIterations or > MaxIterations)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[1]);
            hash = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length == SaltBytes && hash.Length == HashBytes;
    }
}
