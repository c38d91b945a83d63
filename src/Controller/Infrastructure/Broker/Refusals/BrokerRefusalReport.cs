namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;

/// <summary>What technicians see of the broker's refusals (<c>GET /api/broker/refusals</c>).</summary>
/// <param name="ByReason">Refusals since start, per reason.</param>
/// <param name="BySource">Refusals since start, per source: the username presented, else the client's address.</param>
/// <param name="Recent">The latest refusals, newest first.</param>
public sealed record BrokerRefusalReport(
    IReadOnlyDictionary<string, long> ByReason, IReadOnlyDictionary<string, long> BySource, IReadOnlyList<BrokerRefusalEntry> Recent);
