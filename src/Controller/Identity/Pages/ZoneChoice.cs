namespace SmartLoudspeaker.Controller.Identity.Pages;

/// <summary>One zone checkbox of an approval, token or zone-edit form.</summary>
/// <param name="Id">Zone id (what is posted).</param>
/// <param name="Checked">Ticked when the form is shown.</param>
public sealed record ZoneChoice(string Id, bool Checked);
