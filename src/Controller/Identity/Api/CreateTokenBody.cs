namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>A technician's new enrolment token.</summary>
/// <param name="Zones">Zones every node enrolled with it is given (1–16 zone ids).</param>
/// <param name="Expires">When it stops approving (in the future, at most a year ahead).</param>
/// <param name="MaxUses">How many nodes it may enrol (1–100000).</param>
public sealed record CreateTokenBody(IReadOnlyList<string>? Zones, DateTimeOffset? Expires, int? MaxUses);
