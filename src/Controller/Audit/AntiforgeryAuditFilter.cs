using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;

namespace SmartLoudspeaker.Controller.Audit;

/// <summary>
/// Records a page's form posted without its antiforgery token (Razor Pages answer 400 on their own): what a forged
/// form from another site looks like. The API's own antiforgery check records itself (AccountsHostExtensions).
/// </summary>
internal sealed class AntiforgeryAuditFilter(AuditTrail audit) : IAsyncAlwaysRunResultFilter
{
    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            var request = context.HttpContext.Request;
            await audit.RecordAsync(
                context.HttpContext, AuditActions.AntiforgeryRefused, AuditOutcome.Refused, $"{request.Method} {AuditTrail.Typed(request.Path)}", "form without a valid antiforgery token");
        }

        await next();
    }
}
