namespace SmartLoudspeaker.Node.Messaging;

/// <summary>What an item on a session's lanes stands for.</summary>
internal enum SessionWorkKind
{
    /// <summary>A message already composed (an acknowledgement).</summary>
    Publish,

    /// <summary>A clock-sync request, stamped when it is sent.</summary>
    TimeRequest,

    /// <summary>The session's first birth, with health and the pending events.</summary>
    Birth,

    /// <summary>A fresh birth and health (a new controller, a changed heartbeat).</summary>
    Rebirth,

    /// <summary>A health report.</summary>
    Health,

    /// <summary>The events not yet sent on this connection.</summary>
    FlushEvents,

    /// <summary>Leave this broker to move back to the first one.</summary>
    Failback,

    /// <summary>Leave this broker to come back at once with the node's new credentials ("rotate-identity").</summary>
    Reidentify,
}
