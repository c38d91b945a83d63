namespace SmartLoudspeaker.Controller.Commune;

/// <summary>The result of <see cref="CommuneSettingsService.UpdateAsync"/>.</summary>
/// <param name="Outcome">What became of it.</param>
/// <param name="Settings">The settings in force afterwards (the new ones when saved).</param>
/// <param name="Changes">What changed, one "field: old → new" each, when saved.</param>
/// <param name="Errors">The fields' problems, when invalid.</param>
/// <param name="StoreError">Why the store refused, when not stored.</param>
internal sealed record SettingsUpdate(
    SettingsOutcome Outcome,
    CommuneSettings Settings,
    IReadOnlyList<string> Changes,
    IReadOnlyList<SettingsFieldError> Errors,
    string? StoreError = null);
