namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>Where an enrolled node identity stands.</summary>
public enum IdentityStatus
{
    /// <summary>Its broker account exists; what it signs is believed.</summary>
    Enrolled,

    /// <summary>Its account was removed; never approved again by a token, only by a technician.</summary>
    Revoked,
}
