namespace SmartLoudspeaker.Controller.Identity;

/// <summary>What a technician's action on an identity, a request or a token came to.</summary>
public enum IdentityOutcome
{
    /// <summary>Done and stored.</summary>
    Done,

    /// <summary>No such node, request or token.</summary>
    NotFound,

    /// <summary>The zones given are not 1–16 valid zone ids.</summary>
    BadZones,

    /// <summary>Not possible in its current state (revoking a revoked identity, editing a revoked node's zones).</summary>
    Conflict,
}
