using System.Collections;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

/// <summary>
/// The account a connection authenticated as, kept in its MQTTnet session items from CONNECT on, so the publish and
/// subscribe checks know who is asking without looking it up again.
/// </summary>
internal static class BrokerSessionAccount
{
    private const string Key = "sl.broker.account";

    /// <summary>Records the account of a session.</summary>
    public static void Set(IDictionary sessionItems, BrokerAccount account) => sessionItems[Key] = account;

    /// <summary>The account of a session, or null when it has none (never authenticated).</summary>
    public static BrokerAccount? Of(IDictionary sessionItems) => sessionItems[Key] as BrokerAccount;
}
