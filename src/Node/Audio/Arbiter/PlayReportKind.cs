namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>What happened to a play, as the node tells the Controller (later as the NodeEvent "play.report").</summary>
internal enum PlayReportKind
{
    /// <summary>It began sounding for the first time.</summary>
    Started,

    /// <summary>It ended: its content ran out, or it was stopped (reason "stopped").</summary>
    Finished,

    /// <summary>A higher class cut it; it resumes later if its window is still open.</summary>
    Preempted,

    /// <summary>A later emergency replaced this emergency; it does not come back.</summary>
    Superseded,

    /// <summary>It sounds again after a preemption.</summary>
    Resumed,

    /// <summary>It will not sound (any more); the reason says why.</summary>
    Failed,
}
