namespace SmartLoudspeaker.Node.Messaging;

/// <summary>How one connect attempt (and the session it opened) ended.</summary>
internal enum SessionEnd
{
    /// <summary>The connect failed, timed out or was refused.</summary>
    NotConnected,

    /// <summary>Connected, but the session ended before its birth went out.</summary>
    Unusable,

    /// <summary>A working session was lost.</summary>
    Lost,

    /// <summary>Left on purpose to move back to the first broker.</summary>
    Failback,

    /// <summary>Left on purpose to come back with new credentials.</summary>
    Reidentify,

    /// <summary>The node is stopping.</summary>
    Stopped,
}
