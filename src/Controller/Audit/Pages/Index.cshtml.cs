using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using SmartLoudspeaker.Controller.Web;

namespace SmartLoudspeaker.Controller.Audit.Pages;

/// <summary>
/// The audit log for admins: a filter form sent by GET (so a filtered view is a link to share), the entries newest
/// first, a link to the next, older page, and the CSV export of the same filter. Read only.
/// </summary>
internal sealed class IndexModel(AuditTrail audit, CommuneClock clock, TimeProvider time) : PageModel
{
    /// <summary>The areas an action name starts with (AuditActions), offered as the action filter.</summary>
    public static IReadOnlyList<string> Areas { get; } = ["account.", "token.", "user.", "access.", "node.", "command.", "settings."];

    public AuditFilter? Filter { get; private set; }

    /// <summary>Why the filter in the address was not understood (English, as the API says it); null when it was.</summary>
    public string? Problem { get; private set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    /// <summary>The address of the next, older page; null on the last one.</summary>
    public string? OlderLink { get; private set; }

    /// <summary>The CSV export of the filter shown.</summary>
    public string CsvLink { get; private set; } = "/api/audit.csv";

    /// <summary>The form's dates in the commune's calendar.</summary>
    public string FromDate => Filter is null ? string.Empty : clock.ToCommune(Filter.From).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string ToDate => Filter is null ? string.Empty : clock.ToCommune(Filter.To.AddTicks(-1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void OnGet()
    {
        Filter = AuditFilter.Parse(Request.Query, time.GetUtcNow(), clock.Zone, out var problem);
        if (Filter is null)
        {
            Problem = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var entries = audit.Find(Filter with { Limit = Filter.Limit + 1 }).ToList();
        Entries = entries.Take(Filter.Limit).ToList();
        var kept = Request.Query.Where(pair => pair.Key is "from" or "to" or "actor" or "action" or "outcome" or "target" or "limit")
            .ToDictionary(pair => pair.Key, pair => (string?)pair.Value.ToString(), StringComparer.Ordinal);
        CsvLink = QueryHelpers.AddQueryString("/api/audit.csv", kept);
        if (entries.Count > Filter.Limit)
        {
            kept["before"] = Entries[^1].Id;
            OlderLink = QueryHelpers.AddQueryString("/audit", kept);
        }
    }

    public string When(AuditEntry entry) => clock.Full(entry.At, CultureInfo.CurrentCulture);
}
