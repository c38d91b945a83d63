using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Web;

namespace SmartLoudspeaker.Controller.Accounts.Authentication;

/// <summary>
/// Signs a browser's request in by its session cookie, checked against the server's sessions on every request (so an
/// ended session stops at once). Without one, a person is sent to the sign-in page and a program gets 401.
/// </summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccountDirectory accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The sign-in page's path.</summary>
    public const string SignInPath = "/signin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(SessionCookie.Name, out var secret) || string.IsNullOrEmpty(secret))
        {
            return AuthenticateResult.NoResult();
        }

        var principal = await accounts.ResumeSessionAsync(secret, Scheme.Name);
        if (principal is null)
        {
            SessionCookie.Delete(Response);
            return AuthenticateResult.Fail("The session has ended or expired.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (PeopleRequests.Are(Request))
        {
            var back = Request.PathBase + Request.Path + Request.QueryString;
            Response.Redirect(SignInPath + "?returnUrl=" + Uri.EscapeDataString(back));
        }
        else
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
        }

        return Task.CompletedTask;
    }
}
