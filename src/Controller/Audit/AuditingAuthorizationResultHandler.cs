using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using SmartLoudspeaker.Controller.Accounts;

namespace SmartLoudspeaker.Controller.Audit;

/// <summary>
/// Records refused requests in the audit log, then lets the default handler answer (401, 403, the sign-in page). Not
/// every refusal: a person whose session ran out and who reloads a page is no event. What is recorded: every refusal
/// for a role (403), and every write to the API without a sign-in (401).
/// </summary>
internal sealed class AuditingAuthorizationResultHandler(AuditTrail audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        var request = context.Request;
        if (authorizeResult.Forbidden
            || (authorizeResult.Challenged && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
                && request.Path.StartsWithSegments("/api", StringComparison.Ordinal)))
        {
            await audit.RecordAsync(
                context, AuditActions.AccessDenied, AuditOutcome.Refused, $"{request.Method} {AuditTrail.Typed(request.Path)}",
                authorizeResult.Forbidden ? $"role refused (holds {string.Join(",", AccountClaims.Roles(context.User))})" : "not signed in");
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
