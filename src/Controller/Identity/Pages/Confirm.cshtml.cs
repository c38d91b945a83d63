using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Identity.Api;
using SmartLoudspeaker.Controller.Identity.Storage;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Identity.Pages;

/// <summary>
/// The second step of revoking or retiring a node: a page of its own that says what will happen (the node is
/// disconnected at once) and carries the one form that does it, so a slip of the thumb on the list cannot.
/// </summary>
internal sealed class ConfirmModel(EnrolmentService service, FleetRegistry fleet) : PageModel
{
    /// <summary>Revoke: the node keeps its record, marked revoked.</summary>
    public const string Revoke = "revoke";

    /// <summary>Retire: the node leaves the Controller altogether.</summary>
    public const string Retire = "retire";

    /// <summary><see cref="Revoke"/> or <see cref="Retire"/>.</summary>
    public string Step { get; private set; } = Revoke;

    /// <summary>Null when no such node is enrolled (or, for revoke, it is already revoked): the page says so with a 404.</summary>
    public NodeIdentityView? Identity { get; private set; }

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

        var outcome = Step == Retire
            ? await service.RetireAsync(id, HttpContext.RequestAborted)
            : await service.RevokeAsync(id, HttpContext.RequestAborted);
        if (outcome != IdentityOutcome.Done)
        {
            Identity = null;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        return LocalRedirect($"/identities?done={(Step == Retire ? "retired" : "revoked")}&node={id}");
    }

    private void Load(string id, string step)
    {
        Step = step;
        var identity = Identifiers.IsValid(id) ? service.FindIdentity(id) : null;
        Identity = identity is null || step is not (Revoke or Retire) || (Step == Revoke && identity.Status != IdentityStatus.Enrolled)
            ? null
            : IdentityViews.View(identity, fleet.Find(id));
    }
}
