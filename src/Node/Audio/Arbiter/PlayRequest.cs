using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>
/// One thing that asks to sound on this node, as the <see cref="Arbiter"/> needs it: only what decides whether, when
/// and from where it sounds — never its samples, which the playout holds.
/// </summary>
/// <param name="PlayId">The Controller's id of the play; reports name it, a second submit of it is a resend.</param>
/// <param name="Class">Its priority class (docs/protocol.md, "Priorities").</param>
/// <param name="StartAt">Controller-clock instant it is meant to begin; one already past begins at once.</param>
/// <param name="WindowEnd">
/// Controller-clock instant after which it must not begin or resume any more (a bulletin that is stale after it); null
/// when it has no end.
/// </param>
/// <param name="ResumesFromCutPoint">
/// True for content that can be rewound (a file, a tone): after a preemption it resumes where it was cut. False for a
/// live stream, which resumes at its present because what went out meanwhile is gone.
/// </param>
/// <param name="Duration">Length of the content when known; a preempted file cut at its very end is done, not resumed.</param>
/// <param name="HasQuietHoursOverride">It carries a signed quiet-hours override, so it may sound inside the window.</param>
internal sealed record PlayRequest(
    string PlayId,
    PriorityClass Class,
    DateTimeOffset StartAt,
    DateTimeOffset? WindowEnd,
    bool ResumesFromCutPoint,
    TimeSpan? Duration = null,
    bool HasQuietHoursOverride = false);
