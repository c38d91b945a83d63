namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>What a death did to the fleet view.</summary>
internal enum DeathOutcome
{
    /// <summary>The node's current session ended: it is offline now.</summary>
    Applied,

    /// <summary>The death belongs to an older session (a late Will): ignored.</summary>
    StaleSession,

    /// <summary>The node was never born here: nothing to mark.</summary>
    UnknownNode,
}
