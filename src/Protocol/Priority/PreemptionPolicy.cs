namespace SmartLoudspeaker.Protocol.Priority;

/// <summary>
/// The priority table of docs/protocol.md ("Priorities") as a pure function. Every component — the node above
/// all, as the last line of defence — decides with this one copy.
/// </summary>
public static class PreemptionPolicy
{
    /// <summary>Fade applied to the preempted audio before the outputs switch.</summary>
    public static readonly TimeSpan FadeOut = TimeSpan.FromMilliseconds(20);

    /// <summary>Decides what an arriving item of class <paramref name="incoming"/> does to the target.</summary>
    /// <param name="incoming">Class of the new item.</param>
    /// <param name="current">Class of what the target plays now, or null when it is idle.</param>
    public static PreemptionDecision Decide(PriorityClass incoming, PriorityClass? current)
    {
        if (current is not { } playing)
        {
            return PreemptionDecision.Play;
        }

        if (incoming == PriorityClass.Emergency && playing == PriorityClass.Emergency)
        {
            return PreemptionDecision.Supersede;
        }

        return incoming > playing ? PreemptionDecision.Preempt : PreemptionDecision.Queue;
    }
}
