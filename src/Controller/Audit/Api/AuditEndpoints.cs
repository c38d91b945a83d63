using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Web;

namespace SmartLoudspeaker.Controller.Audit.Api;

/// <summary>
/// The admins' reading of the audit log (docs/security.md, "Audit log"): a filtered page as JSON, or everything the
/// filter admits (up to its limit) as CSV. Reads only: nothing in the application edits or deletes an entry.
/// </summary>
internal static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        var admins = endpoints.MapGroup("/api").WithTags("Audit").RequireAuthorization(AccountPolicies.Admin);
        admins.MapGet("/audit", List).WithName("ListAuditEntries")
            .WithSummary("Audit entries newest first: from, to (default the last 7 days), actor (exact), action (prefix), outcome, target (text in it), limit 1–1000 (default 100), before (the 'older' of the previous page).");
        admins.MapGet("/audit.csv", Export).WithName("ExportAuditEntries")
            .WithSummary("The same filter as CSV (UTF-8 with BOM, RFC 4180, formulas neutralised), as an attachment; every entry of the range unless 'limit' is given.");
        return endpoints;
    }

    private static Results<Ok<AuditPage>, ProblemHttpResult> List(HttpRequest request, AuditTrail audit, CommuneClock clock, TimeProvider time)
    {
        if (AuditFilter.Parse(request.Query, time.GetUtcNow(), clock.Zone, out var problem) is not { } filter)
        {
            return TypedResults.Problem(title: "Invalid filter", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        // One more than asked tells whether an older page exists.
        var entries = audit.Find(filter with { Limit = filter.Limit + 1 }).ToList();
        var older = entries.Count > filter.Limit ? entries[filter.Limit - 1].Id : null;
        return TypedResults.Ok(new AuditPage(filter.From, filter.To, entries.Take(filter.Limit).ToList(), older));
    }

    private static IResult Export(HttpRequest request, AuditTrail audit, CommuneClock clock, TimeProvider time)
    {
        if (AuditFilter.Parse(request.Query, time.GetUtcNow(), clock.Zone, out var problem) is not { } filter)
        {
            return TypedResults.Problem(title: "Invalid filter", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        // An export is the whole range unless a limit is asked for: it is streamed, never held.
        filter = request.Query.ContainsKey("limit") ? filter : filter with { Limit = int.MaxValue };
        var name = string.Create(CultureInfo.InvariantCulture, $"audit-{clock.ToCommune(filter.From):yyyyMMdd}-{clock.ToCommune(filter.To):yyyyMMdd}.csv");
        return TypedResults.Stream(
            output => AuditCsv.WriteAsync(output, audit.Find(filter), clock.Zone, request.HttpContext.RequestAborted),
            AuditCsv.ContentType,
            name);
    }
}
