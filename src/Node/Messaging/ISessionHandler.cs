namespace SmartLoudspeaker.Node.Messaging;

/// <summary>What a session asks of the node: what to publish for each kind of work, and whom to tell of its birth and end.</summary>
internal interface ISessionHandler
{
    /// <summary>The health interval, for the session's timer.</summary>
    TimeSpan Heartbeat { get; }

    /// <summary>Work that runs beside the session's publisher for as long as it lasts (the clock-sync schedule); started once subscribed.</summary>
    Task RunBesideAsync(NodeSession session, CancellationToken token);

    /// <summary>Composes and publishes what <paramref name="kind"/> stands for (birth, health, events, a clock request).</summary>
    Task HandleAsync(NodeSession session, SessionWorkKind kind, CancellationToken token);

    /// <summary>
    /// The node's time for checking a TLS broker's certificate dates, and whether it is trusted: read before each TLS
    /// connect, since an untrusted clock (no authenticated clock sync yet, no synchronised system clock) must not keep
    /// the node from reaching the Controller that would correct it.
    /// </summary>
    ValueTask<Protocol.Security.TrustedTime> CertificateTimeAsync(CancellationToken token);

    /// <summary>The session's first birth (with health and pending events) is out.</summary>
    void BirthPublished();

    /// <summary>The session ended; the next one announces a new birth.</summary>
    void SessionEnded();
}
