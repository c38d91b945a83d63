namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// The authorization policies, one per job's route group and page folder (docs/security.md, "Accounts and roles").
/// Anything that names none of them still needs a signed-in person or a token: that is the fallback policy.
/// </summary>
internal static class AccountPolicies
{
    /// <summary>Node commands, enrolment, identities, zones, the broker: the technician's work.</summary>
    public const string Technician = "technician";

    /// <summary>Reading the fleet overview (the fleet page, the fleet API's GETs, the live stream): technicians and viewers.</summary>
    public const string FleetRead = "fleet-read";

    /// <summary>Accounts of other people: admins only.</summary>
    public const string Admin = "admin";
}
