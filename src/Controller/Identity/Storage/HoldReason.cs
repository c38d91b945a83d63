namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>Why an enrolment request waits for a technician.</summary>
public enum HoldReason
{
    /// <summary>A node id the Controller does not know, without a valid token.</summary>
    New,

    /// <summary>The node id is enrolled with another key: a replaced SD card, or someone claiming the id.</summary>
    KeyChanged,

    /// <summary>The node id was revoked.</summary>
    Revoked,
}
