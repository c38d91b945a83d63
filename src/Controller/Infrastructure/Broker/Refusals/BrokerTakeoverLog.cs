namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;

/// <summary>
/// Session takeovers since start, per username, for technicians: a reconnect before the broker noticed the old link
/// dead is harmless once, but a username taking over again and again is two devices sharing one identity. Memory is
/// bounded: usernames beyond <see cref="MaxAccounts"/> are counted together under <see cref="BrokerRefusalLog.OtherSources"/>.
/// </summary>
public sealed class BrokerTakeoverLog
{
    /// <summary>Distinct usernames counted one by one.</summary>
    public const int MaxAccounts = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byUsername = new(StringComparer.Ordinal);

    /// <summary>Counts one takeover by <paramref name="username"/> of its own session.</summary>
    public void Record(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        lock (_gate)
        {
            var key = _byUsername.ContainsKey(username) || _byUsername.Count < MaxAccounts ? username : BrokerRefusalLog.OtherSources;
            _byUsername[key] = _byUsername.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Takeovers per username since start.</summary>
    public IReadOnlyDictionary<string, long> ByUsername()
    {
        lock (_gate)
        {
            return new Dictionary<string, long>(_byUsername, StringComparer.Ordinal);
        }
    }
}
