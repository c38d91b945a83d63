namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// A feature's share of the periodic maintenance (retention, aggregation): <see cref="StoreMaintenance"/> runs every
/// contribution at each tick of <c>Store:MaintenanceInterval</c> on the injected clock. A contribution decides from
/// committed data and <paramref name="now"/> only, and writes through <see cref="StoreEngine.Enqueue"/> like any write.
/// </summary>
internal interface IStoreMaintenance
{
    /// <summary>Does this feature's maintenance for the instant <paramref name="now"/>; a failure is logged and retried at the next tick.</summary>
    Task MaintainAsync(DateTimeOffset now);
}
