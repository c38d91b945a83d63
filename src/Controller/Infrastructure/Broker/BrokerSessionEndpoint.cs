using System.Collections;
using System.Net;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// Where a connection came from, kept in its MQTTnet session items at CONNECT: MQTTnet tells the address only while
/// validating the connection, and the subscribe and publish checks need it to name the source of what they refuse.
/// </summary>
internal static class BrokerSessionEndpoint
{
    private const string Key = "sl.broker.endpoint";

    /// <summary>Records the remote endpoint of the connection a session is on now.</summary>
    public static void Set(IDictionary sessionItems, EndPoint? endpoint) => sessionItems[Key] = endpoint;

    /// <summary>The remote endpoint of the session's connection, or null when none was recorded.</summary>
    public static EndPoint? Of(IDictionary sessionItems) => sessionItems[Key] as EndPoint;
}
