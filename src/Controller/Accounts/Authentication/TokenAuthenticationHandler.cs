using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Accounts.Authentication;

/// <summary>
/// Signs a script's request in by its API token (<c>Authorization: Bearer sl_…</c>), with the token's roles only.
/// An unknown, revoked or expired token is refused (401), and so is a token whose owner is disabled.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccountDirectory accounts, AuditTrail audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[HeaderNames.Authorization].ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var principal = accounts.AuthenticateToken(header[BearerPrefix.Length..].Trim(), Scheme.Name, out var refusal);
        if (principal is null)
        {
            Logger.LogWarning("API token refused from {Client} for {Method} {Path}: {Reason}",
                Context.Connection.RemoteIpAddress, Request.Method, Request.Path, refusal);
            await audit.RecordAsync(Context, AuditActions.TokenRefused, AuditOutcome.Refused, $"{Request.Method} {AuditTrail.Typed(Request.Path)}", refusal);
            return AuthenticateResult.Fail(refusal ?? "refused");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
