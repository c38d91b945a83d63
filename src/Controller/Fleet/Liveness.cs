namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>The silence rule: a node is offline when it has said nothing for a few of its own heartbeats.</summary>
public static class Liveness
{
    /// <summary>
    /// True when a node last heard from at <paramref name="lastSeen"/> has been silent for
    /// <paramref name="factor"/> × <paramref name="heartbeat"/> or longer at <paramref name="now"/>.
    /// All instants are on the controller's clock, so a node with a wrong clock is judged fairly.
    /// </summary>
    public static bool IsSilent(DateTimeOffset lastSeen, TimeSpan heartbeat, double factor, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heartbeat, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(factor, 0);
        return now - lastSeen >= heartbeat * factor;
    }

    /// <summary>
    /// The heartbeat the silence rule is applied with: the node's stated one, but never more than
    /// <paramref name="max"/>, so a birth (a retained fake, or a node told a long interval) cannot stretch fault
    /// detection beyond what the Controller is configured to allow.
    /// </summary>
    public static TimeSpan Believed(TimeSpan stated, TimeSpan max) => stated < max ? stated : max;
}
