namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Api;

/// <summary>What a technician needs to watch the wire read-only (<c>GET /api/broker/observer</c>).</summary>
/// <param name="Username">The observer account's username.</param>
/// <param name="Password">Its password.</param>
/// <param name="Host">Where the broker is, as far as the Controller knows (the request's host name for the embedded broker).</param>
/// <param name="Port">The broker's port.</param>
/// <param name="Example">A <c>mosquitto_sub</c> command line that prints every message under <c>sl/v1/</c>.</param>
public sealed record ObserverCredentials(string Username, string Password, string Host, int Port, string Example);
