namespace SmartLoudspeaker.Controller.Commune.Storage;

/// <summary>Durable side of the commune settings (<see cref="CommuneSettingsRepository"/>).</summary>
internal interface ICommuneSettingsStore
{
    /// <summary>The saved settings, or null when none were ever saved (or the document is unreadable, which is logged).</summary>
    CommuneSettings? Load();

    /// <summary>Replaces the settings; completes after the store's durability point.</summary>
    Task SaveAsync(CommuneSettings settings);
}
