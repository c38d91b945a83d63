using System.Collections.Concurrent;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

/// <summary>
/// The broker's view of its accounts, held in memory so a CONNECT, publish or subscribe check never waits on the
/// store: the built-in accounts (the Controller's, the observer's, the enrolment account) are put here at start, and
/// node identities are put and removed by enrolment as technicians decide. Thread-safe; readers see each account
/// whole or not at all.
/// </summary>
public sealed class BrokerAccountDirectory : IBrokerAccountDirectory
{
    private readonly ConcurrentDictionary<string, BrokerAccount> _accounts = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public event Action<string>? Changed;

    /// <inheritdoc />
    public BrokerAccount? Find(string username) => _accounts.GetValueOrDefault(username);

    /// <inheritdoc />
    public IReadOnlyList<BrokerAccount> All() => [.. _accounts.Values.OrderBy(account => account.Username, StringComparer.Ordinal)];

    /// <summary>Adds or replaces the account with this username.</summary>
    public void Put(BrokerAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _accounts[account.Username] = account;
        Changed?.Invoke(account.Username);
    }

    /// <summary>Removes the account; true when there was one.</summary>
    public bool Remove(string username)
    {
        if (!_accounts.TryRemove(username, out _))
        {
            return false;
        }

        Changed?.Invoke(username);
        return true;
    }
}
