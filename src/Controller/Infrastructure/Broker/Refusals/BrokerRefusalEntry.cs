namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;

/// <summary>One thing the broker refused: a connection, a publish or a subscription.</summary>
/// <param name="At">When (the Controller's clock).</param>
/// <param name="Endpoint">The client's address and port, when known.</param>
/// <param name="Username">The username it presented, if any.</param>
/// <param name="ClientId">The client id it presented (or was given), if any.</param>
/// <param name="Reason">The metrics label (<c>sl_broker_refused_total{reason}</c>).</param>
/// <param name="Topic">The topic or filter refused, for a publish or a subscription.</param>
public sealed record BrokerRefusalEntry(DateTimeOffset At, string? Endpoint, string? Username, string? ClientId, string Reason, string? Topic);
