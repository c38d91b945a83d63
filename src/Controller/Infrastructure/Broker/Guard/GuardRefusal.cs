using System.Net;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>A connection the guard closed.</summary>
/// <param name="Reason">Metrics label: packet-too-large, malformed-packet or publish-rate.</param>
/// <param name="Endpoint">The client's address and port.</param>
/// <param name="ClientId">The client id from its CONNECT, or null when the CONNECT itself was refused.</param>
/// <param name="Detail">What was refused against which setting, for the log.</param>
internal sealed record GuardRefusal(string Reason, EndPoint? Endpoint, string? ClientId, string Detail);
