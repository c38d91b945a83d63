using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Authentication;

/// <summary>
/// Checks a CONNECT's password against the account's stored <c>$7$</c> hash, remembering the last password that
/// passed for each account (as a SHA-256 digest, in memory only, tied to the stored hash it passed against): a fleet
/// of hundreds reconnecting after an outage costs one PBKDF2 run per node once, not on every reconnect. A replaced
/// hash (rotation, re-enrolment) or a forgotten account starts over with PBKDF2.
/// </summary>
internal sealed class BrokerPasswordCheck
{
    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);
    private long _derivations;

    /// <summary>PBKDF2 runs so far (a wrong or new password costs one; a remembered one none).</summary>
    public long Derivations => Interlocked.Read(ref _derivations);

    /// <summary>True when <paramref name="password"/> is the account's.</summary>
    public bool Verify(BrokerAccount account, byte[]? password)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (password is null)
        {
            return false;
        }

        var digest = SHA256.HashData(password);
        if (_verified.TryGetValue(account.Username, out var known)
            && string.Equals(known.StoredHash, account.PasswordHash, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(known.Digest, digest))
        {
            return true;
        }

        Interlocked.Increment(ref _derivations);
        if (!BrokerPasswordHash.Verify(Encoding.UTF8.GetString(password), account.PasswordHash))
        {
            return false;
        }

        _verified[account.Username] = new Verified(account.PasswordHash, digest);
        return true;
    }

    /// <summary>Forgets what passed for this username (its account changed or left).</summary>
    public void Forget(string username) => _verified.TryRemove(username, out _);

    private sealed record Verified(string StoredHash, byte[] Digest);
}
