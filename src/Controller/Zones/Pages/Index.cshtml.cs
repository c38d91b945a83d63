using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Zones.Pages;

/// <summary>
/// The zone registry for technicians: zones nodes declare that have no name yet, named zones with their ids and node
/// counts, and forms to name, rename and delete. Plain forms (POST with the antiforgery token, then a redirect back
/// here), so the page works without JavaScript; a refused change is shown on the form it came from, with what was typed.
/// A zone with nodes also gets a test tone: one signed command on the zone's topic, which every node starts on the same sample.
/// </summary>
internal sealed class IndexModel(ZoneRegistry registry, UiText text, AuditTrail audit, CommandService commands, TimeProvider time) : PageModel
{
    /// <summary>Which form a refusal belongs to: the add form.</summary>
    public const string AddForm = "add";

    private static readonly string[] Outcomes = ["created", "renamed", "deleted", "tone"];

    public IReadOnlyList<ZoneEntry> Named { get; private set; } = [];

    public IReadOnlyList<ZoneEntry> Unnamed { get; private set; } = [];

    /// <summary>What the last change did, after the redirect; null when nothing was just changed.</summary>
    public string? Done { get; private set; }

    /// <summary>Why the change just posted was refused, in the page's language; null when it was not.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// The form the refusal is shown on: <see cref="AddForm"/>, or "name:", "rename:" or "delete:" and the zone id; null
    /// when that form is not on the page (the refusal is then shown at the top).
    /// </summary>
    public string? ProblemForm { get; private set; }

    /// <summary>The values a refused form is shown again with.</summary>
    public (string? Id, string? Name, string? Description) Typed { get; private set; }

    public void OnGet(string? done, string? zone)
    {
        Load();
        if (done is not null && Outcomes.Contains(done) && Identifiers.IsValid(zone))
        {
            var name = registry.NameOf(zone!);
            Done = text.Format("Zones.Done." + done, name ?? zone!, zone!);
        }
    }

    /// <summary>Names a zone: from the add form (<paramref name="form"/> = add) or an unnamed zone's own form.</summary>
    public async Task<IActionResult> OnPostCreateAsync(string? id, string? name, string? description, string? form)
    {
        var change = await registry.CreateAsync(id, name, description);
        await ZoneAudit.RecordAsync(audit, HttpContext, AuditActions.ZoneCreated, change, id);
        return change.Succeeded
            ? Saved("created", change.Zone!.Id)
            : Refused(change, form == AddForm || !Identifiers.IsValid(id) ? AddForm : "name:" + id, id, name, description);
    }

    public async Task<IActionResult> OnPostRenameAsync(string? id, string? name, string? description)
    {
        var change = await registry.RenameAsync(id, name, description);
        await ZoneAudit.RecordAsync(audit, HttpContext, AuditActions.ZoneRenamed, change, id);
        return change.Succeeded ? Saved("renamed", change.Zone!.Id) : Refused(change, "rename:" + id, id, name, description);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? id)
    {
        var change = await registry.DeleteAsync(id);
        await ZoneAudit.RecordAsync(audit, HttpContext, AuditActions.ZoneDeleted, change, id);
        return change.Succeeded ? Saved("deleted", change.Zone!.Id) : Refused(change, "delete:" + id, id, null, null);
    }

    /// <summary>
    /// A test tone of the default length and pitch to every node of the zone: one command, so one start instant for all.
    /// </summary>
    public async Task<IActionResult> OnPostToneAsync(string? id)
    {
        var type = CommandCatalog.NameOf<PlayToneCommand>();
        var invariant = CultureInfo.InvariantCulture;
        if (!Identifiers.IsValid(id)
            || !TestTone.TryCreate(TestTone.DefaultSeconds.ToString(invariant), TestTone.DefaultFrequencyHz.ToString(invariant), time.GetUtcNow(), out var tone))
        {
            return Refused(new ZoneChange(ZoneProblem.InvalidId), "tone:" + id, id, null, null);
        }

        var target = new CommandTarget { Zone = id };
        var result = commands.Unavailable() is { } unavailable
            ? IssueResult.Unavailable(unavailable)
            : await commands.IssueAsync(target, type, JsonSerializer.SerializeToElement(tone!, ProtocolJsonContext.Default.PlayToneCommand), HttpContext.RequestAborted);
        await CommandAudit.RecordAsync(audit, HttpContext, target, type, result);
        if (result.Failure == IssueFailure.None)
        {
            return Saved("tone", id!);
        }

        // Shown at the top: the zone's card has no field to mark, and the reason (no key, no node) is the whole page's.
        Load();
        Problem = text.Format("Zones.Problem.ToneNotSent", result.Problem);
        Response.StatusCode = result.Failure switch
        {
            IssueFailure.Invalid => StatusCodes.Status400BadRequest,
            IssueFailure.NoRecipient => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status503ServiceUnavailable,
        };
        return Page();
    }

    /// <summary>A node count as a link to the fleet list filtered on the zone (which knows only zones with nodes).</summary>
    public static string FleetLink(string zoneId) => "/?zone=" + Uri.EscapeDataString(zoneId);

    /// <summary>Post/redirect/get: a reload does not post the change again, and the page says what was done.</summary>
    private LocalRedirectResult Saved(string outcome, string zoneId) =>
        LocalRedirect($"/zones?done={outcome}&zone={Uri.EscapeDataString(zoneId)}#zone-{zoneId}");

    private PageResult Refused(ZoneChange change, string form, string? id, string? name, string? description)
    {
        Load();

        // Shown on the form it came from while that form is on the page; a zone named or deleted meanwhile has no
        // such form any more, and the page then shows the refusal at the top.
        var formShown = form == AddForm
            || Unnamed.Any(zone => form == "name:" + zone.Id)
            || Named.Any(zone => form == "rename:" + zone.Id || form == "delete:" + zone.Id);
        ProblemForm = formShown ? form : null;
        Typed = (id, name, description);
        var shownId = id is null ? string.Empty : id.Length <= 64 ? id : string.Concat(id.AsSpan(0, 64), "…");
        Problem = change.Problem switch
        {
            ZoneProblem.DuplicateName => text.Format("Zones.Problem.DuplicateName", change.NameHolder!.Name, change.NameHolder.Id),
            ZoneProblem.AlreadyNamed => text.Format("Zones.Problem.AlreadyNamed", shownId, change.Zone!.Name),
            ZoneProblem.InUse => text.Format("Zones.Problem.InUse", change.Zone!.Name, change.Nodes),
            ZoneProblem.InvalidName => text.Format("Zones.Problem.InvalidName", ZoneRules.MaxNameLength),
            ZoneProblem.InvalidDescription => text.Format("Zones.Problem.InvalidDescription", ZoneRules.MaxDescriptionLength),
            ZoneProblem.NotStored => text.Format("Zones.Problem.NotStored", change.StoreError),
            _ => text.Format("Zones.Problem." + change.Problem, shownId),
        };
        Response.StatusCode = change.Problem switch
        {
            ZoneProblem.InvalidId or ZoneProblem.InvalidName or ZoneProblem.InvalidDescription => StatusCodes.Status400BadRequest,
            ZoneProblem.Unknown => StatusCodes.Status404NotFound,
            ZoneProblem.NotStored => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status409Conflict,
        };
        return Page();
    }

    private void Load()
    {
        var zones = registry.List();
        var byName = StringComparer.Create(text.Culture, ignoreCase: true);
        Named = zones.Where(zone => zone.Named).OrderBy(zone => zone.Zone!.Name, byName).ToArray();
        Unnamed = zones.Where(zone => !zone.Named).ToArray();
    }
}
