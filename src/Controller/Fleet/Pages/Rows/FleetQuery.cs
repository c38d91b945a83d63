using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Rows;

/// <summary>
/// The node list's filter and order, read from the query string so that a filtered list is a link a technician can
/// share and works without scripts. A value that cannot be used is dropped and reported, never fatal.
/// </summary>
internal sealed record FleetQuery
{
    public static readonly IReadOnlyList<string> SortKeys = ["id", "zone", "state", "seen", "temp", "signal", "disk"];

    /// <summary>Longest part of a refused value repeated on the page: enough to recognise it, not enough to flood it.</summary>
    private const int EchoLength = 40;

    public string? Zone { get; init; }

    public NodeCondition? State { get; init; }

    public string Sort { get; init; } = "id";

    public bool Descending { get; init; }

    /// <summary>Refused values as (resource key, the value shortened): the page explains each.</summary>
    public IReadOnlyList<(string Key, string Value)> Problems { get; init; } = [];

    /// <summary>True when a value was malformed (as opposed to well-formed but unknown): worth a 400.</summary>
    public bool Malformed { get; init; }

    public static FleetQuery Parse(IQueryCollection query, IReadOnlyCollection<string> knownZones)
    {
        ArgumentNullException.ThrowIfNull(query);
        var problems = new List<(string, string)>();
        var malformed = false;

        string? zone = null;
        if (First(query, "zone") is { } zoneValue)
        {
            if (!Identifiers.IsValid(zoneValue))
            {
                problems.Add(("Filter.BadZone", Echo(zoneValue)));
                malformed = true;
            }
            else if (!knownZones.Contains(zoneValue))
            {
                problems.Add(("Filter.UnknownZone", zoneValue));
            }
            else
            {
                zone = zoneValue;
            }
        }

        NodeCondition? state = null;
        if (First(query, "state") is { } stateValue)
        {
            state = ParseCondition(stateValue);
            if (state is null)
            {
                problems.Add(("Filter.BadState", Echo(stateValue)));
                malformed = true;
            }
        }

        var sort = "id";
        if (First(query, "sort") is { } sortValue)
        {
            if (SortKeys.Contains(sortValue, StringComparer.Ordinal))
            {
                sort = sortValue;
            }
            else
            {
                problems.Add(("Filter.BadSort", Echo(sortValue)));
                malformed = true;
            }
        }

        var descending = false;
        if (First(query, "dir") is { } dirValue)
        {
            if (dirValue is "asc" or "desc")
            {
                descending = dirValue == "desc";
            }
            else
            {
                problems.Add(("Filter.BadDirection", Echo(dirValue)));
                malformed = true;
            }
        }

        return new FleetQuery { Zone = zone, State = state, Sort = sort, Descending = descending, Problems = problems, Malformed = malformed };
    }

    public static NodeCondition? ParseCondition(string value) =>
        value switch
        {
            "ok" => NodeCondition.Ok,
            "fault" => NodeCondition.Fault,
            "offline" => NodeCondition.Offline,
            _ => null,
        };

    public bool Matches(NodeState node, FleetOptions thresholds) =>
        (Zone is null || node.Zones.Contains(Zone, StringComparer.Ordinal))
        && (State is null || NodeRowFormatter.ConditionOf(node, FaultRules.Derive(node, thresholds)) == State);

    /// <summary>The matching nodes in the requested order; unknown figures sort last either way.</summary>
    public IReadOnlyList<NodeState> Apply(IEnumerable<NodeState> nodes, FleetOptions thresholds)
    {
        var matching = nodes.Where(node => Matches(node, thresholds)).ToList();
        matching.Sort((a, b) =>
        {
            var byKey = Compare(a, b, thresholds);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Id, b.Id);
        });
        return matching;
    }

    /// <summary>The query string for this filter with another order; the column headers link to it.</summary>
    public string WithSort(string sort)
    {
        var descending = sort == Sort && !Descending;
        var parts = new List<KeyValuePair<string, string?>>();
        if (Zone is not null)
        {
            parts.Add(new("zone", Zone));
        }

        if (State is { } state)
        {
            parts.Add(new("state", NodeRowFormatter.ConditionValue(state)));
        }

        parts.Add(new("sort", sort));
        parts.Add(new("dir", descending ? "desc" : "asc"));
        return QueryString.Create(parts).ToString();
    }

    /// <summary>The live-update stream for exactly the rows this page shows.</summary>
    public string StreamUrl()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        if (Zone is not null)
        {
            parts.Add(new("zone", Zone));
        }

        if (State is { } state)
        {
            parts.Add(new("state", NodeRowFormatter.ConditionValue(state)));
        }

        // The order too: each row then carries its sort key, so the page can place a row that appears or changes.
        if (Sort != "id" || Descending)
        {
            parts.Add(new("sort", Sort));
            parts.Add(new("dir", Descending ? "desc" : "asc"));
        }

        return FleetStreamEndpoints.FleetStreamPath + QueryString.Create(parts);
    }

    /// <summary>
    /// The node's place in this order as [group, value, id], compared part by part: the group always ascending (unknown
    /// figures last), the value in the requested direction, the id ascending. The page's script compares these keys
    /// exactly as <see cref="Apply"/> orders the nodes, so a row that appears or changes live lands where a reload puts it.
    /// </summary>
    public IReadOnlyList<object> SortKey(NodeState node, FleetOptions thresholds)
    {
        ArgumentNullException.ThrowIfNull(node);
        (int Group, object Value) part = Sort switch
        {
            "zone" => (0, node.Zones.Count > 0 ? node.Zones[0] : string.Empty),
            "state" => (0, -Severity(node, thresholds)),
            "seen" => (0, node.LastSeen.ToUnixTimeMilliseconds()),
            "temp" => Known(node.Health?.Cpu.TempC),
            "signal" => Known(node.Health?.Link.SignalDbm),
            "disk" => Known(DiskUsed(node)),
            _ => (0, node.Id),
        };
        return [part.Group, part.Value, node.Id];
    }

    private static string? First(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static string Echo(string value) => value.Length <= EchoLength ? value : string.Concat(value.AsSpan(0, EchoLength), "…");

    private int Compare(NodeState a, NodeState b, FleetOptions thresholds)
    {
        int result = Sort switch
        {
            "zone" => string.CompareOrdinal(a.Zones.Count > 0 ? a.Zones[0] : null, b.Zones.Count > 0 ? b.Zones[0] : null),
            "state" => Severity(b, thresholds).CompareTo(Severity(a, thresholds)),
            "seen" => a.LastSeen.CompareTo(b.LastSeen),
            "temp" => CompareKnown(a.Health?.Cpu.TempC, b.Health?.Cpu.TempC),
            "signal" => CompareKnown(a.Health?.Link.SignalDbm, b.Health?.Link.SignalDbm),
            "disk" => CompareKnown(DiskUsed(a), DiskUsed(b)),
            _ => string.CompareOrdinal(a.Id, b.Id),
        };

        // Unknown figures stay at the bottom whichever way the column is sorted: they are not "the lowest".
        var unknownLast = Sort switch
        {
            "temp" => (a.Health?.Cpu.TempC is null) != (b.Health?.Cpu.TempC is null),
            "signal" => (a.Health?.Link.SignalDbm is null) != (b.Health?.Link.SignalDbm is null),
            "disk" => (DiskUsed(a) is null) != (DiskUsed(b) is null),
            _ => false,
        };
        return Descending && !unknownLast ? -result : result;
    }

    /// <summary>Worst first when sorted ascending by state: offline, then faulty, then fine.</summary>
    private static int Severity(NodeState node, FleetOptions thresholds) =>
        (int)NodeRowFormatter.ConditionOf(node, FaultRules.Derive(node, thresholds));

    private static (int Group, object Value) Known<T>(T? value)
        where T : struct =>
        value is { } known ? (0, known) : (1, 0);

    private static double? DiskUsed(NodeState node) =>
        node.Health is { } health ? FaultRules.DiskUsedPercent(health.Memory.DiskTotalMb, health.Memory.DiskFreeMb) : null;

    private static int CompareKnown<T>(T? a, T? b)
        where T : struct, IComparable<T> =>
        (a, b) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            ({ } x, { } y) => x.CompareTo(y),
        };
}
