namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary>A fault the controller derives for a node.</summary>
/// <param name="Code">One of <see cref="Fleet.FaultCodes"/>.</param>
/// <param name="Since">When it began, where the controller knows (offline: when the node went offline).</param>
public sealed record NodeFault(string Code, DateTimeOffset? Since);
