using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Identity.Api;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary>The technician's REST view of the fleet: the nodes, their health history and their events.</summary>
public static class FleetEndpoints
{
    /// <summary>Longest range of raw reports one history request may ask for.</summary>
    public static readonly TimeSpan MaxRawRange = TimeSpan.FromDays(7);

    /// <summary>Longest range of hourly aggregates one history request may ask for.</summary>
    public static readonly TimeSpan MaxHourlyRange = TimeSpan.FromDays(400);

    private const int MaxHistoryItems = 25_000;
    private const int DefaultEventPage = 100;
    private const int MaxEventPage = 1000;

    /// <summary>Maps <c>/api/nodes</c>, <c>/api/nodes/{id}</c> (+ <c>/history</c>, <c>/events</c>).</summary>
    public static IEndpointRouteBuilder MapFleetApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var nodes = endpoints.MapGroup("/api/nodes").WithTags("Nodes");
        nodes.MapGet("/", ListNodes).WithName("ListNodes").WithSummary("Every known node with its state, latest health and faults.");
        nodes.MapGet("/{id}", GetNode).WithName("GetNode").WithSummary("One node with its recent raw health history and events.");
        nodes.MapGet("/{id}/history", GetHistory).WithName("GetNodeHistory")
            .WithSummary("One node's health in [from, to): raw reports (resolution=raw, kept for Store:RawHealthRetention) or hourly aggregates (resolution=hour).");
        nodes.MapGet("/{id}/events", GetEvents).WithName("GetNodeEvents")
            .WithSummary("One node's events in storing order, paged: after = the previous page's next (0 for the first), limit 1–1000.");
        return endpoints;
    }

    private static Ok<NodeSummary[]> ListNodes(FleetRegistry fleet, EnrolmentService identities, IOptions<FleetOptions> options) =>
        TypedResults.Ok(fleet.Snapshot().Select(node => WithApprovedZones(NodeViews.Summary(node, options.Value), node, identities)).ToArray());

    private static T WithApprovedZones<T>(T view, NodeState node, EnrolmentService identities)
        where T : NodeSummary =>
        identities.FindIdentity(node.Id) is { } identity
            // The record's copy keeps the runtime type (a detail stays a detail).
            ? (T)((NodeSummary)view with { ApprovedZones = identity.ApprovedZones, ZoneMismatch = IdentityViews.ZoneMismatch(identity, node) })
            : view;

    private static Results<Ok<NodeDetail>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>> GetNode(
        string id, FleetRegistry fleet, IFleetStore store, EnrolmentService identities, IOptions<FleetOptions> options)
    {
        if (!Identifiers.IsValid(id))
        {
            return TypedResults.BadRequest(InvalidId());
        }

        var node = fleet.Find(id);
        if (node is null)
        {
            return TypedResults.NotFound(UnknownNode(id));
        }

        var fleetOptions = options.Value;
        var detail = NodeViews.Detail(
            node,
            fleetOptions,
            store.RecentHealth(id, fleetOptions.HistoryPerNode),
            store.RecentEvents(id, fleetOptions.EventsPerNode));
        return TypedResults.Ok(WithApprovedZones(detail, node, identities));
    }

    private static Results<Ok<HealthHistory>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>> GetHistory(
        string id, string? from, string? to, string? resolution, FleetRegistry fleet, IFleetStore store, TimeProvider timeProvider)
    {
        if (!Identifiers.IsValid(id))
        {
            return TypedResults.BadRequest(InvalidId());
        }

        var raw = resolution is null or "raw";
        if (!raw && resolution != "hour")
        {
            return TypedResults.BadRequest(Invalid("Invalid resolution", $"resolution must be 'raw' or 'hour', not '{resolution}'."));
        }

        var now = timeProvider.GetUtcNow();
        if (!TryInstant(to, now, out var end))
        {
            return TypedResults.BadRequest(Invalid("Invalid 'to'", $"'to' must be an ISO 8601 instant with an offset, such as 2026-05-01T06:00:00+07:00, not '{to}'."));
        }

        var maxRange = raw ? MaxRawRange : MaxHourlyRange;
        if (!TryInstant(from, end - (raw ? TimeSpan.FromHours(24) : TimeSpan.FromDays(30)), out var start))
        {
            return TypedResults.BadRequest(Invalid("Invalid 'from'", $"'from' must be an ISO 8601 instant with an offset, such as 2026-05-01T06:00:00+07:00, not '{from}'."));
        }

        if (start >= end)
        {
            return TypedResults.BadRequest(Invalid("Empty range", $"'from' ({start:o}) must be before 'to' ({end:o})."));
        }

        if (end - start > maxRange)
        {
            return TypedResults.BadRequest(Invalid("Range too long", $"A {(raw ? "raw" : "hour")} history covers at most {maxRange.TotalDays} days; ask for several ranges."));
        }

        if (fleet.Find(id) is null)
        {
            return TypedResults.NotFound(UnknownNode(id));
        }

        var samples = raw ? store.HealthBetween(id, start, end, MaxHistoryItems + 1).Select(record => new HealthSample(record.ReceivedAt, record.Health)).ToArray() : [];
        var hourly = raw ? [] : store.HourlyBetween(id, start, end, MaxHistoryItems + 1).Select(NodeViews.Hourly).ToArray();
        return TypedResults.Ok(new HealthHistory
        {
            NodeId = id,
            From = start,
            To = end,
            Resolution = raw ? "raw" : "hour",
            Raw = samples.Take(MaxHistoryItems).ToArray(),
            Hourly = hourly.Take(MaxHistoryItems).ToArray(),
            Truncated = samples.Length > MaxHistoryItems || hourly.Length > MaxHistoryItems,
        });
    }

    private static Results<Ok<NodeEventPage>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>> GetEvents(
        string id, string? after, string? limit, FleetRegistry fleet, IFleetStore store)
    {
        if (!Identifiers.IsValid(id))
        {
            return TypedResults.BadRequest(InvalidId());
        }

        long cursor = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor)))
        {
            return TypedResults.BadRequest(Invalid("Invalid 'after'", $"'after' must be a whole number ≥ 0 (the previous page's 'next'), not '{after}'."));
        }

        var size = DefaultEventPage;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxEventPage))
        {
            return TypedResults.BadRequest(Invalid("Invalid 'limit'", $"'limit' must be a whole number from 1 to {MaxEventPage}, not '{limit}'."));
        }

        if (fleet.Find(id) is null)
        {
            return TypedResults.NotFound(UnknownNode(id));
        }

        var page = store.EventsAfter(id, cursor, size + 1);
        var items = page.Take(size).Select(NodeViews.Event).ToArray();
        return TypedResults.Ok(new NodeEventPage { Items = items, Next = page.Count > size ? items[^1].Seq : null });
    }

    private static bool TryInstant(string? text, DateTimeOffset fallback, out DateTimeOffset instant)
    {
        if (text is null)
        {
            instant = fallback;
            return true;
        }

        // An offset is required: a bare local time would mean different instants on the server and the phone.
        return DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out instant)
            && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-');
    }

    private static ProblemDetails InvalidId() => Invalid("Invalid node id", "A node id is 1–64 characters of a–z, 0–9 and '-', not starting with '-'.");

    private static ProblemDetails Invalid(string title, string detail) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Title = title,
        Detail = detail,
    };

    private static ProblemDetails UnknownNode(string id) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "Unknown node",
        Detail = $"No node '{id}' has ever sent a birth to this controller.",
    };
}
