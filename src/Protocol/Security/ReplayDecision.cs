namespace SmartLoudspeaker.Protocol.Security;

/// <summary>What the <see cref="ReplayGuard"/> made of one command sequence number.</summary>
public enum ReplayDecision
{
    /// <summary>Never accepted before and within the window: the command may be obeyed, and its number is now spent.</summary>
    Accepted,

    /// <summary>Accepted before: the same envelope again (a broker's duplicate or someone's replay); refused as "replayed".</summary>
    Seen,

    /// <summary>At or below the guard's floor: the node can no longer tell whether it saw it; refused as "too-old".</summary>
    TooOld,
}
