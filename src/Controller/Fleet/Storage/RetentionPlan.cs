namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>What one maintenance run does: aggregate these whole hours, then prune before these instants.</summary>
/// <param name="AggregateHours">Starts of the complete, not yet aggregated hours, oldest first.</param>
/// <param name="PruneRawBefore">Raw health received before this is deleted (never an hour not yet aggregated).</param>
/// <param name="PruneAggregatesBefore">Hourly aggregates of hours starting before this are deleted.</param>
internal sealed record RetentionPlan(IReadOnlyList<DateTimeOffset> AggregateHours, DateTimeOffset PruneRawBefore, DateTimeOffset PruneAggregatesBefore);
