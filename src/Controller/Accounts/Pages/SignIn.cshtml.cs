using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Accounts.Authentication;

namespace SmartLoudspeaker.Controller.Accounts.Pages;

/// <summary>
/// The sign-in page, open to everyone (the only page that is). Every refusal reads the same — wrong name, wrong
/// password, locked or disabled account — so that the page tells no one which names exist.
/// </summary>
internal sealed class SignInModel(AccountDirectory accounts, IOptions<AccountsOptions> options) : PageModel
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
        var attempt = await accounts.SignInAsync(name, password, HttpContext.Connection.RemoteIpAddress?.ToString());
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
