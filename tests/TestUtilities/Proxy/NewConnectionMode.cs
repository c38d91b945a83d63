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

    /// <summary>
    /// Closes the listening port, so the host itself refuses connects (ECONNREFUSED): a broker whose process is down.
    /// Unlike <see cref="Refuse"/>, even a bare TCP connect fails (a reachability probe tells the two apart). The
    /// port is listened on again, the same number, once another mode is set.
    /// </summary>
    Closed,
}
