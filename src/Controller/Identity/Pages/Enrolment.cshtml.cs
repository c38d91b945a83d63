using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Identity.Api;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Identity.Pages;

/// <summary>
/// Enrolment for technicians: the requests waiting (newest first) with what to compare at the cabinet (key
/// fingerprint, hardware serial), approve with zones or refuse; the requests refused since start, per reason and per
/// source (claimed node id and sender); and enrolment tokens for bulk installs (make, list, revoke). Plain forms
/// (POST with the antiforgery token), calling <see cref="EnrolmentService"/> as the API does.
/// </summary>
internal sealed class EnrolmentModel(EnrolmentService service, EnrolmentRefusalLog refusals, FleetRegistry fleet, UiText text, TimeProvider time, AuditTrail audit) : PageModel
{
    /// <summary>Sources listed one by one, loudest first: enough to see a probe's shape on a phone over 4G.</summary>
    public const int SourcesShown = 20;

    /// <summary>Default life of a new token, in days.</summary>
    public const int DefaultTokenDays = 7;

    /// <summary>Longest life of a token, in days (the API's limit).</summary>
    public const int MaxTokenDays = 366;

    /// <summary>Most nodes one token may enrol (the API's limit).</summary>
    public const int MaxTokenUses = 100_000;

    /// <summary>Which form a refusal belongs to: the token form.</summary>
    public const string TokenForm = "token";

    private static readonly string[] Outcomes = ["approved", "refused", "token-revoked"];

    public IReadOnlyList<PendingRequestView> Pending { get; private set; } = [];

    public IReadOnlyList<EnrolmentTokenView> Tokens { get; private set; } = [];

    /// <summary>Enrolment requests refused since the Controller started.</summary>
    public EnrolmentRefusalReport Refusals { get; private set; } = new(new Dictionary<string, long>(), new Dictionary<EnrolmentRefusalSource, long>());

    /// <summary>Refusals per reason, largest first.</summary>
    public IEnumerable<KeyValuePair<string, long>> RefusalsByReason =>
        Refusals.ByReason.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal);

    /// <summary>The <see cref="SourcesShown"/> sources with the most refusals.</summary>
    public IReadOnlyList<KeyValuePair<EnrolmentRefusalSource, long>> LoudestSources =>
        [.. Refusals.BySource.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key.NodeId, StringComparer.Ordinal)
            .ThenBy(pair => pair.Key.Sender, StringComparer.Ordinal).Take(SourcesShown)];

    /// <summary>Zones the Controller knows of (approved to a node, given by a token, declared in a birth): the checkboxes.</summary>
    public IReadOnlyList<string> KnownZones { get; private set; } = [];

    /// <summary>What the last change did, after the redirect; null when nothing was just changed.</summary>
    public string? Done { get; private set; }

    /// <summary>Why the change just posted was refused, in the page's language; null when it was not.</summary>
    public string? Problem { get; private set; }

    /// <summary>The form the problem belongs to: "approve:{id}" or <see cref="TokenForm"/>; null shows it at the top.</summary>
    public string? ProblemForm { get; private set; }

    /// <summary>The token just made, with its secret: shown in this answer only, never stored for a later page.</summary>
    public CreatedEnrolmentToken? Created { get; private set; }

    /// <summary>The values the token form is shown again with after a refusal.</summary>
    public (IReadOnlyList<string> Zones, string? Days, string? Uses) TypedToken { get; private set; } = ([], null, null);

    public void OnGet(string? done, string? node)
    {
        Load();
        if (done is not null && Outcomes.Contains(done) && Identifiers.IsValid(node))
        {
            Done = text.Format("Enrolment.Done." + done, node!);
        }
    }

    /// <summary>The zones of an approval form: the ticked boxes and the typed ids.</summary>
    public async Task<IActionResult> OnPostApproveAsync(string id, string[]? zone, string? more)
    {
        if (!Identifiers.IsValid(id))
        {
            return NotFoundHere();
        }

        var zones = ZoneForm.Read(zone, more);
        var outcome = await service.ApproveAsync(id, zones, EnrolmentService.Technician, HttpContext.RequestAborted);
        await IdentityAudit.RecordAsync(audit, HttpContext, AuditActions.EnrolmentApproved, outcome, IdentityAudit.Node(id), IdentityAudit.Zones(zones));
        return outcome switch
        {
            IdentityOutcome.Done => LocalRedirect($"/enrolment?done=approved&node={id}"),
            IdentityOutcome.BadZones => Refused("approve:" + id, text["Enrolment.Problem.Zones"], StatusCodes.Status400BadRequest),
            _ => Refused(null, text.Format("Enrolment.Problem.NoRequest", id), StatusCodes.Status404NotFound),
        };
    }

    public async Task<IActionResult> OnPostRefuseAsync(string id)
    {
        if (!Identifiers.IsValid(id))
        {
            return NotFoundHere();
        }

        var outcome = await service.RefuseAsync(id, HttpContext.RequestAborted);
        await IdentityAudit.RecordAsync(audit, HttpContext, AuditActions.EnrolmentRefused, outcome, IdentityAudit.Node(id));
        return outcome == IdentityOutcome.Done
            ? LocalRedirect($"/enrolment?done=refused&node={id}")
            : Refused(null, text.Format("Enrolment.Problem.NoRequest", id), StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// Makes a token and answers with the page itself (no redirect): the token string is in this answer only, not in a
    /// cookie or an address a reload or the history would show again.
    /// </summary>
    public async Task<IActionResult> OnPostCreateTokenAsync(string[]? zone, string? more, string? days, string? uses)
    {
        var zones = ZoneForm.Read(zone, more);
        TypedToken = (zones, days, uses);
        if (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var lifeDays) || lifeDays is < 1 or > MaxTokenDays)
        {
            return Refused(TokenForm, text.Format("Enrolment.Problem.Days", MaxTokenDays), StatusCodes.Status400BadRequest);
        }

        if (!int.TryParse(uses, NumberStyles.None, CultureInfo.InvariantCulture, out var maxUses) || maxUses is < 1 or > MaxTokenUses)
        {
            return Refused(TokenForm, text.Format("Enrolment.Problem.Uses", MaxTokenUses), StatusCodes.Status400BadRequest);
        }

        var now = time.GetUtcNow();
        var (outcome, token, record) = await service.CreateTokenAsync(zones, now.AddDays(lifeDays), maxUses, EnrolmentService.Technician, HttpContext.RequestAborted);
        await IdentityAudit.RecordAsync(audit, HttpContext, AuditActions.EnrolmentTokenCreated, outcome, record?.Id ?? "token", $"{IdentityAudit.Zones(zones)}; {maxUses} uses; {lifeDays} days");
        if (outcome != IdentityOutcome.Done)
        {
            return Refused(TokenForm, text["Enrolment.Problem.Zones"], StatusCodes.Status400BadRequest);
        }

        Created = new CreatedEnrolmentToken(token!, IdentityViews.View(record!, now));
        TypedToken = ([], null, null);
        Load();
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeTokenAsync(string tokenId)
    {
        var outcome = tokenId is { Length: > 0 and <= 64 } ? await service.RevokeTokenAsync(tokenId, HttpContext.RequestAborted) : IdentityOutcome.NotFound;
        await IdentityAudit.RecordAsync(audit, HttpContext, AuditActions.EnrolmentTokenRevoked, outcome, AuditTrail.Typed(tokenId));
        return outcome == IdentityOutcome.Done
            ? LocalRedirect($"/enrolment?done=token-revoked&node={Uri.EscapeDataString(tokenId)}#tokens")
            : Refused(null, text["Enrolment.Problem.NoToken"], StatusCodes.Status404NotFound);
    }

    /// <summary>A token's state in words: usable, revoked, expired or used up.</summary>
    public string TokenState(EnrolmentTokenView token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var key = token.Revoked ? "revoked" : token.Usable ? "usable" : token.Uses >= token.MaxUses ? "used-up" : "expired";
        return text["Enrolment.Token.State." + key];
    }

    /// <summary>The checkboxes of one request's approval: every known zone, the ones it asks for ticked.</summary>
    public IReadOnlyList<ZoneChoice> ApprovalChoices(PendingRequestView request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ZoneForm.Choices(KnownZones, [.. request.Zones]);
    }

    /// <summary>The token form's checkboxes: every known zone, those typed before a refusal ticked.</summary>
    public IReadOnlyList<ZoneChoice> TokenChoices() => ZoneForm.Choices(KnownZones, [.. TypedToken.Zones]);

    private PageResult Refused(string? form, string problem, int status)
    {
        Load();
        ProblemForm = form is not null && (form == TokenForm || Pending.Any(request => form == "approve:" + request.NodeId)) ? form : null;
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }

    private PageResult NotFoundHere() => Refused(null, text["Enrolment.Problem.BadId"], StatusCodes.Status404NotFound);

    /// <summary>A refusal reason in plain words; a code the page does not know yet still shows as itself.</summary>
    public string ExplainRefusal(string reason) =>
        text.Has("Enrolment.Refusals.Reason." + reason) ? text["Enrolment.Refusals.Reason." + reason] : reason;

    private void Load()
    {
        var now = time.GetUtcNow();
        Refusals = refusals.Report();
        Pending = [.. service.Pending().OrderByDescending(pending => pending.ReceivedAt).Select(pending => IdentityViews.View(pending, service.FindIdentity(pending.NodeId)))];
        var tokens = service.Tokens();
        Tokens = [.. tokens.Select(token => IdentityViews.View(token, now))];
        KnownZones = [.. service.Identities().SelectMany(identity => identity.ApprovedZones)
            .Concat(tokens.SelectMany(token => token.Zones))
            .Concat(fleet.Snapshot().SelectMany(node => node.Zones))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
