namespace SmartLoudspeaker.Controller.Fleet.Pages.Rows;

/// <summary>What a technician needs to know first about a node; its name is also its query-string and CSS value.</summary>
internal enum NodeCondition
{
    /// <summary>Online, no fault.</summary>
    Ok,

    /// <summary>Online with at least one fault.</summary>
    Fault,

    /// <summary>Not connected.</summary>
    Offline,
}
