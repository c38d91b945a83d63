namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>Zones chosen by a technician (approving a request: null keeps the ones the node asked for).</summary>
/// <param name="Zones">1–16 zone ids.</param>
public sealed record ZonesBody(IReadOnlyList<string>? Zones);
