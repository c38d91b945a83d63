using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Web.Localization;

namespace SmartLoudspeaker.Controller.Commune.Pages;

/// <summary>
/// The commune settings for admins: one plain form (POST with the antiforgery token, then a redirect back here), so it
/// works without JavaScript. A refused form comes back with what was typed and each wrong field's problem beside it.
/// </summary>
internal sealed class IndexModel(CommuneSettingsService settings, AuditTrail audit, CommuneClock clock, UiText text) : PageModel
{
    /// <summary>The settings in force.</summary>
    public CommuneSettings Current { get; private set; } = null!;

    /// <summary>The values the form shows: those in force, or what was typed when the form was refused.</summary>
    public SettingsFormValues Form { get; private set; } = null!;

    /// <summary>Each wrong field's problem in the page's language, by field name.</summary>
    public IReadOnlyDictionary<string, string> Problems { get; private set; } = new Dictionary<string, string>();

    /// <summary>A problem with the whole form (saved meanwhile, not stored), or null.</summary>
    public string? FormProblem { get; private set; }

    /// <summary>What the last save did, after the redirect.</summary>
    public string? Done { get; private set; }

    public void OnGet(string? done)
    {
        Current = settings.Current;
        Form = SettingsFormValues.Of(Current);
        Done = done switch
        {
            "saved" => text.Format("Settings.Done.Saved", Current.Version),
            "unchanged" => text["Settings.Done.Unchanged"],
            _ => null,
        };
    }

    public async Task<IActionResult> OnPostAsync(SettingsFormValues form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var numbers = new Dictionary<string, string>();
        var input = form.ToInput(numbers);
        var update = await settings.UpdateAsync(input, form.Version, AuditTrail.ActorOf(User));
        await SettingsAudit.RecordAsync(audit, HttpContext, update, form.Version);
        if (numbers.Count == 0 && update.Outcome is SettingsOutcome.Saved or SettingsOutcome.Unchanged)
        {
            return LocalRedirect(update.Outcome == SettingsOutcome.Saved ? "/settings?done=saved" : "/settings?done=unchanged");
        }

        Current = settings.Current;
        Form = form;
        var problems = update.Errors
            .Where(error => !numbers.ContainsKey(error.Field))
            .GroupBy(error => error.Field)
            .ToDictionary(group => group.Key, group => Describe(group.First()));
        foreach (var (field, _) in numbers)
        {
            problems[field] = text["Settings.Problem.NotANumber"];
        }

        Problems = problems;
        switch (update.Outcome)
        {
            case SettingsOutcome.Stale:
                // The form keeps what was typed, now based on the version in force: saving again is a conscious overwrite.
                FormProblem = text.Format("Settings.Problem.Stale", Current.Version, Current.ChangedBy ?? "?");
                Form = form with { Version = Current.Version };
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            case SettingsOutcome.NotStored:
                FormProblem = text.Format("Settings.Problem.NotStored", update.StoreError);
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                break;
            default:
                FormProblem = text.Format("Settings.Problem.Summary", Problems.Count);
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
        }

        return Page();
    }

    /// <summary>The id of a field's problem text, for its input's aria-describedby; null when the field has none.</summary>
    public string? ProblemId(string field) => Problems.ContainsKey(field) ? "problem-" + field : null;

    /// <summary>"true" for aria-invalid when the field has a problem, else null (the attribute is left out).</summary>
    public string? Invalid(string field) => Problems.ContainsKey(field) ? "true" : null;

    /// <summary>An instant on the commune's clock, in the page's language.</summary>
    public string FormatInstant(DateTimeOffset instant) => clock.Full(instant, text.Culture);

    /// <summary>A number as the form's number fields show it (always with a point: that is what the browser sends).</summary>
    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private string Describe(SettingsFieldError error) => error.Problem switch
    {
        SettingsProblem.TooLong => text.Format("Settings.Problem.TooLong", error.Max ?? 0),
        SettingsProblem.OutOfRange => text.Format("Settings.Problem.OutOfRange", Number(error.Min ?? 0), Number(error.Max ?? 0)),
        _ => text["Settings.Problem." + error.Problem],
    };
}
