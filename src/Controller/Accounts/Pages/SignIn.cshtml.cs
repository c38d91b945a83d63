using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Accounts.Authentication;
using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Accounts.Pages;

/// <summary>
/// The sign-in page, open to everyone (the only page that is). Every refusal reads the same — wrong name, wrong
/// password, locked or disabled account — so that the page tells no one which names exist.
/// </summary>
internal sealed class SignInModel(AccountDirectory accounts, IOptions<AccountsOptions> options, AuditTrail audit) : PageModel
{
    public bool Refused { get; private set; }

    public string? Name { get; private set; }

    public string? ReturnUrl { get; private set; }

    public int LockoutThreshold => options.Value.LockoutThreshold;

    public int LockoutMinutes => (int)Math.Ceiling(options.Value.LockoutDuration.TotalMinutes);

    public void OnGet(string? returnUrl) => ReturnUrl = LocalOnly(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? name, string? password, string? returnUrl)
    {
        ReturnUrl = LocalOnly(returnUrl);
        var source = HttpContext.Connection.RemoteIpAddress?.ToString();
        var attempt = await accounts.SignInAsync(name, password, source);

        // The actor is the name as typed (an unknown one too): a filter on a name shows every attempt on it.
        var actor = AuditTrail.Typed(name?.Trim().ToLowerInvariant());
        await audit.RecordAsync(actor, source, AuditActions.SignIn, attempt.SessionSecret is null ? AuditOutcome.Refused : AuditOutcome.Succeeded, actor, attempt.Reason);
        if (attempt.LockoutReached)
        {
            await audit.RecordAsync(AuditTrail.SystemActor, source, AuditActions.Lockout, AuditOutcome.Succeeded, actor, $"after {options.Value.LockoutThreshold} wrong passwords, for {options.Value.LockoutDuration}");
        }

        if (attempt.SessionSecret is { } secret)
        {
            SessionCookie.Set(Response, secret);
            return Redirect(ReturnUrl ?? "/");
        }

        Refused = true;
        Name = name;
        return Page();
    }

    /// <summary>Only a path on this site: a sign-in link must not send a person on to another site (open redirect).</summary>
    private string? LocalOnly(string? returnUrl) => returnUrl is not null && Url.IsLocalUrl(returnUrl) ? returnUrl : null;
}
