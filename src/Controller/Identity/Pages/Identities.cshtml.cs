using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Identity.Api;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Identity.Pages;

/// <summary>
/// Enrolled (and revoked) nodes for technicians: fingerprint, approved zones (and a warning when the birth declares
/// others), how and when enrolled, last seen, a key rotation under way or the last one; edit zones here, revoke, retire
/// and rotate the key through a confirmation page (<see cref="ConfirmModel"/>) because each cuts the node off at once.
/// </summary>
internal sealed class IdentitiesModel(EnrolmentService service, IdentityViewer views, FleetRegistry fleet, UiText text, AuditTrail audit) : PageModel
{
    private static readonly string[] Outcomes = ["revoked", "retired", "zones", "rotating"];

    public IReadOnlyList<NodeIdentityView> Identities { get; private set; } = [];

    /// <summary>Node ids the fleet view holds: only those have a node page to link to.</summary>
    public IReadOnlySet<string> InFleet { get; private set; } = new HashSet<string>();

    /// <summary>Zones the Controller knows of, for the zone-edit checkboxes.</summary>
    public IReadOnlyList<string> KnownZones { get; private set; } = [];

    public string? Done { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>"zones:{id}" when the refusal belongs to that node's zone form; null shows it at the top.</summary>
    public string? ProblemForm { get; private set; }

    public void OnGet(string? done, string? node)
    {
        Load();
        if (done is not null && Outcomes.Contains(done) && Identifiers.IsValid(node))
        {
            Done = text.Format("Identities.Done." + done, node!);
        }
    }

    public async Task<IActionResult> OnPostZonesAsync(string id, string[]? zone, string? more)
    {
        var outcome = Identifiers.IsValid(id)
            ? await service.SetZonesAsync(id, ZoneForm.Read(zone, more), HttpContext.RequestAborted)
            : IdentityOutcome.NotFound;
        await IdentityAudit.RecordAsync(audit, HttpContext, AuditActions.IdentityZonesChanged, outcome, IdentityAudit.Node(AuditTrail.Typed(id)), IdentityAudit.Zones(ZoneForm.Read(zone, more)));
        if (outcome == IdentityOutcome.Done)
        {
            return LocalRedirect($"/identities?done=zones&node={id}#node-{id}");
        }

        Load();
        (ProblemForm, Problem, Response.StatusCode) = outcome switch
        {
            IdentityOutcome.BadZones => ("zones:" + id, text["Enrolment.Problem.Zones"], StatusCodes.Status400BadRequest),
            IdentityOutcome.Conflict => ((string?)null, text.Format("Identities.Problem.Revoked", id), StatusCodes.Status409Conflict),
            _ => (null, text["Identities.Problem.Unknown"], StatusCodes.Status404NotFound),
        };
        return Page();
    }

    /// <summary>The zone-edit checkboxes of one node: known zones, its approved ones ticked.</summary>
    public IReadOnlyList<ZoneChoice> ZoneChoices(NodeIdentityView identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return ZoneForm.Choices(KnownZones, [.. identity.Zones]);
    }

    /// <summary>"approval" or "token:{id}" in words.</summary>
    public string Via(NodeIdentityView identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.Via.StartsWith("token:", StringComparison.Ordinal)
            ? text.Format("Identities.Via.Token", identity.Via["token:".Length..])
            : text.Format("Identities.Via.Approval", identity.EnrolledBy);
    }

    private void Load()
    {
        Identities = views.All();
        var nodes = fleet.Snapshot();
        InFleet = nodes.Select(node => node.Id).ToHashSet(StringComparer.Ordinal);
        KnownZones = [.. Identities.SelectMany(identity => identity.Zones).Concat(nodes.SelectMany(node => node.Zones))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
