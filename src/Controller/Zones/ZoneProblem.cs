namespace SmartLoudspeaker.Controller.Zones;

/// <summary>Why the registry refused a change; <see cref="None"/> when it was made.</summary>
internal enum ZoneProblem
{
    None,

    /// <summary>The id is not a valid zone id (<see cref="Protocol.Identifiers.IsValid"/>).</summary>
    InvalidId,

    /// <summary>The name is empty, longer than <see cref="ZoneRules.MaxNameLength"/> or holds control characters.</summary>
    InvalidName,

    /// <summary>The description is longer than <see cref="ZoneRules.MaxDescriptionLength"/> or holds control characters.</summary>
    InvalidDescription,

    /// <summary>Another zone already has this name (case-insensitively).</summary>
    DuplicateName,

    /// <summary>The zone is already in the registry: rename it instead.</summary>
    AlreadyNamed,

    /// <summary>The zone is not in the registry.</summary>
    Unknown,

    /// <summary>Nodes still belong to the zone, so it may not be deleted.</summary>
    InUse,

    /// <summary>The store could not save the change (a full disk): nothing changed.</summary>
    NotStored,
}
