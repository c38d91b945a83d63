namespace SmartLoudspeaker.Controller.Commune;

/// <summary>What became of a settings change.</summary>
internal enum SettingsOutcome
{
    /// <summary>Stored durably, in force, version raised by one.</summary>
    Saved,

    /// <summary>Valid, but equal to what is in force: nothing stored, version unchanged.</summary>
    Unchanged,

    /// <summary>One or more fields are wrong (a 400, each field named).</summary>
    Invalid,

    /// <summary>Made from an older version than the one in force: someone saved in between (a 409).</summary>
    Stale,

    /// <summary>The store refused the write: nothing changed (a 503).</summary>
    NotStored,
}
