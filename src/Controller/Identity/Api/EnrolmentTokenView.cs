namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>An enrolment token without its secret.</summary>
/// <param name="Id">Token id.</param>
/// <param name="Zones">Zones it gives.</param>
/// <param name="Expires">When it stops approving.</param>
/// <param name="MaxUses">How many nodes it may enrol.</param>
/// <param name="Uses">How many it enrolled.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">Who made it (<c>configuration</c> for a bootstrap token).</param>
/// <param name="Revoked">Revoked by a technician.</param>
/// <param name="Usable">Would approve a node now.</param>
public sealed record EnrolmentTokenView(
    string Id, IReadOnlyList<string> Zones, DateTimeOffset Expires, int MaxUses, int Uses, DateTimeOffset CreatedAt, string CreatedBy, bool Revoked, bool Usable);
