namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>What a <see cref="LoopbackTcpProxy"/> does with a client that connects from now on.</summary>
public enum NewConnectionMode
{
    /// <summary>Connects it to the target and forwards its bytes.</summary>
    Forward,

    /// <summary>
    /// Accepts the TCP connection, reads and discards everything, never answers: a broker that accepts but hangs,
    /// which a client only escapes by its own connect timeout.
    /// </summary>
    BlackHole,

    /// <summary>Accepts and resets at once: a dead broker behind a load balancer that still completes handshakes.</summary>
    Refuse,
}
