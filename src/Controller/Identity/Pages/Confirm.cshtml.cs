using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Identity.Api;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Identity.Pages;

/// <summary>
/// The second step of revoking, retiring or rotating the key of a node: a page of its own that says what will happen
/// (the node is disconnected at once) and carries the one form that does it, so a slip of the thumb on the list cannot.
/// </summary>
internal sealed class ConfirmModel(EnrolmentService service, IdentityRotator rotator, IdentityViewer views, UiText text, AuditTrail audit) : PageModel
{
    /// <summary>Revoke: the node keeps its record, marked revoked.</summary>
    public const string Revoke = "revoke";

    /// <summary>Retire: the node leaves the Controller altogether.</summary>
    public const string Retire = "retire";

    /// <summary>Rotate: the node is asked for a new key and password, approved at once when its old key vouches for them.</summary>
    public const string Rotate = "rotate";

    /// <summary><see cref="Revoke"/>, <see cref="Retire"/> or <see cref="Rotate"/>.</summary>
    public string Step { get; private set; } = Revoke;

    /// <summary>Null when no such node is enrolled (or, for revoke and rotate, it is already revoked): the page says so with a 404.</summary>
    public NodeIdentityView? Identity { get; private set; }

    /// <summary>Why a rotation could not be started (another under way, the node never connected, no signing key), or null.</summary>
    public string? Problem { get; private set; }

    public IActionResult OnGet(string id, string step)
    {
        Load(id, step);
        if (Identity is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, string step)
    {
        Load(id, step);
        if (Identity is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        if (Step == Rotate)
        {
            return await RotateAsync(id);
        }

        var outcome = Step == Retire
            ? await service.RetireAsync(id, HttpContext.RequestAborted)
            : await service.RevokeAsync(id, HttpContext.RequestAborted);
        await IdentityAudit.RecordAsync(audit, HttpContext, Step == Retire ? AuditActions.IdentityRetired : AuditActions.IdentityRevoked, outcome, IdentityAudit.Node(id));
        if (outcome != IdentityOutcome.Done)
        {
            Identity = null;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        return LocalRedirect($"/identities?done={(Step == Retire ? "retired" : "revoked")}&node={id}");
    }

    private async Task<IActionResult> RotateAsync(string id)
    {
        var (outcome, issued) = await rotator.RotateAsync(id, EnrolmentService.Technician, HttpContext.RequestAborted);
        await IdentityAudit.RecordRotationAsync(audit, HttpContext, id, outcome, issued);
        if (outcome == IdentityOutcome.Done && issued?.Failure == IssueFailure.None)
        {
            return LocalRedirect($"/identities?done=rotating&node={id}#node-{id}");
        }

        Load(id, Rotate);
        (Problem, Response.StatusCode) = (outcome, issued?.Failure) switch
        {
            (IdentityOutcome.Done, IssueFailure.NoRecipient) => (text.Format("Confirm.Rotate.NeverSeen", id), StatusCodes.Status409Conflict),
            (IdentityOutcome.Done, _) => (text.Format("Confirm.Rotate.Unavailable", issued!.Problem ?? string.Empty), StatusCodes.Status503ServiceUnavailable),
            _ => (text.Format("Confirm.Rotate.Busy", id), StatusCodes.Status409Conflict),
        };
        return Page();
    }

    private void Load(string id, string step)
    {
        Step = step;
        var identity = Identifiers.IsValid(id) ? views.Find(id) : null;
        Identity = identity is null || step is not (Revoke or Retire or Rotate) || (Step != Retire && identity.Status != "enrolled")
            ? null
            : identity;
    }
}
