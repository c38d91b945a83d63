namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Access;

/// <summary>One line of an account's access list: publish or subscribe on a topic pattern (with <c>+</c> and <c>#</c>).</summary>
/// <param name="Access">Publish or subscribe.</param>
/// <param name="Pattern">Full topic pattern, from the root (<c>sl/v1/node/n/birth</c>).</param>
public sealed record BrokerAccessEntry(BrokerAccess Access, string Pattern);
