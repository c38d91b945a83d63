namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>
/// One event in a play's life, stamped with the Controller-clock instant of the decision, so the Controller can line
/// reports of many nodes up on one clock. Node-internal: the wire form is a later NodeEvent.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="PlayId">The play it happened to.</param>
/// <param name="At">Controller-clock instant.</param>
/// <param name="By">For <see cref="PlayReportKind.Preempted"/> and <see cref="PlayReportKind.Superseded"/>: the play that took over.</param>
/// <param name="Reason">For <see cref="PlayReportKind.Failed"/> (and a stopped finish): one of <see cref="ArbiterReasons"/>.</param>
internal sealed record ArbiterReport(PlayReportKind Kind, string PlayId, DateTimeOffset At, string? By = null, string? Reason = null);
