namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

/// <summary>
/// Every account the broker accepts, as one source: the embedded broker checks connections, publishes and
/// subscriptions against it, and the Mosquitto files are generated from it, so both brokers apply the same rules.
/// </summary>
public interface IBrokerAccountDirectory
{
    /// <summary>The account with this username, or null.</summary>
    BrokerAccount? Find(string username);

    /// <summary>Every account, ordered by username.</summary>
    IReadOnlyList<BrokerAccount> All();

    /// <summary>Raised after an account was added, changed (zones, password) or removed; the username is passed.</summary>
    event Action<string>? Changed;
}
