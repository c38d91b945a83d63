using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Commune.Api;

/// <summary>
/// The admins' commune settings (<c>/api/settings</c>). Reading is admin-only too: every other feature reads the
/// settings inside the Controller (the time zone of every page, the scheduler's approval rule), so no other role
/// needs them over the API.
/// </summary>
internal static class SettingsEndpoints
{
    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.MapGroup("/api/settings").WithTags("Settings").RequireAuthorization(AccountPolicies.Admin);
        settings.MapGet("/", GetSettings).WithName("GetSettings").WithSummary("The commune settings in force, with their version (admins).");
        settings.MapPut("/", PutSettings).WithName("PutSettings")
            .WithSummary("Replaces the commune settings; 400 names each wrong field, 409 when the version sent is not the one in force (admins).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static SettingsView GetSettings(CommuneSettingsService settings) => SettingsView.Of(settings.Current);

    private static async Task<Results<Ok<SettingsView>, ValidationProblem, ProblemHttpResult>> PutSettings(
        UpdateSettingsRequest request, CommuneSettingsService settings, AuditTrail audit, HttpContext context)
    {
        if (request.Version is not { } version)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [SettingsField.Version] = ["Required: the version read with GET /api/settings."] },
                title: "Invalid settings");
        }

        var update = await settings.UpdateAsync(request, version, AuditTrail.ActorOf(context.User));
        await SettingsAudit.RecordAsync(audit, context, update, version);
        return update.Outcome switch
        {
            SettingsOutcome.Saved or SettingsOutcome.Unchanged => TypedResults.Ok(SettingsView.Of(update.Settings)),
            SettingsOutcome.Invalid => TypedResults.ValidationProblem(
                update.Errors.GroupBy(error => error.Field).ToDictionary(group => group.Key, group => group.Select(error => error.English).ToArray()),
                title: "Invalid settings"),
            SettingsOutcome.Stale => TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Settings changed meanwhile",
                Detail = $"The change was made from version {version}, but version {update.Settings.Version} is in force: read the settings again and reapply the change.",
                Extensions = { ["currentVersion"] = update.Settings.Version },
            }),
            _ => TypedResults.Problem(
                $"The Controller could not store the settings, so nothing changed: {update.StoreError}",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Settings not stored"),
        };
    }
}
