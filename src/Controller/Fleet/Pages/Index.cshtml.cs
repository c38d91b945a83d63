using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet.Pages.Rows;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Controller.Zones;

namespace SmartLoudspeaker.Controller.Fleet.Pages;

/// <summary>The technician's node list: every node's state and key health figures, filtered and sorted by query string.</summary>
internal sealed class IndexModel(FleetRegistry fleet, IOptions<FleetOptions> options, UiText text, CommuneClock clock, IZoneNames zones) : PageModel
{
    public FleetQuery Query { get; private set; } = new();

    public IReadOnlyList<NodeRow> Rows { get; private set; } = [];

    public IReadOnlyList<string> Zones { get; private set; } = [];

    public NodeRowFormatter Formatter { get; private set; } = null!;

    public int Total { get; private set; }

    /// <summary>Nodes per condition over the whole fleet, whatever the filter.</summary>
    public IReadOnlyDictionary<NodeCondition, int> Counts { get; private set; } = new Dictionary<NodeCondition, int>();

    /// <summary>An empty row for the live-update script to clone when a node appears.</summary>
    public NodeRow Template { get; private set; } = null!;

    public void OnGet()
    {
        var thresholds = options.Value;
        var nodes = fleet.Snapshot();
        var formatter = Formatter = new NodeRowFormatter(text, clock, thresholds, zones);

        // The filter lists zones by the names people read, in the alphabetical order of the page's language.
        Zones = nodes.SelectMany(node => node.Zones).Distinct(StringComparer.Ordinal)
            .OrderBy(formatter.ZoneName, StringComparer.Create(text.Culture, ignoreCase: true)).ThenBy(zone => zone, StringComparer.Ordinal).ToArray();
        Query = FleetQuery.Parse(Request.Query, Zones.ToHashSet(StringComparer.Ordinal));
        if (Query.Malformed)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        Rows = Query.Apply(nodes, thresholds).Select(node => formatter.Format(node, order: Query)).ToArray();
        Total = nodes.Count;
        Counts = nodes
            .GroupBy(node => NodeRowFormatter.ConditionOf(node, FaultRules.Derive(node, thresholds)))
            .ToDictionary(group => group.Key, group => group.Count());
        Template = new NodeRow
        {
            Id = string.Empty,
            Condition = string.Empty,
            Fields = new Dictionary<string, string>(StringComparer.Ordinal),
        };
    }
}
