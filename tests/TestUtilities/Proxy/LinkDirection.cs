namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>One direction of a connection through a <see cref="LoopbackTcpProxy"/>.</summary>
public enum LinkDirection
{
    /// <summary>Client to server (node to broker): CONNECT, PUBLISH from the client, PINGREQ.</summary>
    Upstream,

    /// <summary>Server to client (broker to node): CONNACK, PUBLISH to subscribers, PINGRESP.</summary>
    Downstream,
}
