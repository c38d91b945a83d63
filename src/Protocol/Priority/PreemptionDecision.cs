namespace SmartLoudspeaker.Protocol.Priority;

/// <summary>What happens when new audio asks for a target that is already sounding.</summary>
public enum PreemptionDecision
{
    /// <summary>The target is idle: play at once.</summary>
    Play,

    /// <summary>Fade out what plays, play the new audio; the preempted item resumes if its window is still open.</summary>
    Preempt,

    /// <summary>A later emergency replaces an earlier one (a stuck microphone must not block a new alarm).</summary>
    Supersede,

    /// <summary>Wait until the target is free (first come, first served within a class; lower classes wait).</summary>
    Queue,
}
