using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartLoudspeaker.Controller.Accounts.Authentication;
using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Accounts.Pages;

/// <summary>Ends the session this browser is signed in with (a POST with its antiforgery token: a link cannot sign anyone out).</summary>
internal sealed class SignOutModel(AccountDirectory accounts, AuditTrail audit) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        if (User.FindFirstValue(AccountClaims.Session) is { } session)
        {
            await accounts.EndSessionAsync(User.Identity!.Name!, session);
            await audit.RecordAsync(HttpContext, AuditActions.SignOut, AuditOutcome.Succeeded, User.Identity.Name, "session " + session);
        }

        SessionCookie.Delete(Response);
        return Redirect(SessionAuthenticationHandler.SignInPath);
    }
}
