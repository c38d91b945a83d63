using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>The REST surface of signed control: issue commands, follow their outcomes, see what nodes refused.</summary>
public static class CommandEndpoints
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 200;
    private const int DefaultRefusalEvents = 200;
    private const int MaxRefusalEvents = 1000;

    /// <summary>
    /// Maps <c>POST /api/nodes/{id}/commands</c>, <c>POST /api/zones/{zone}/commands</c>, <c>POST /api/fleet/commands</c>,
    /// <c>GET /api/commands/{commandId}</c>, <c>GET /api/nodes/{id}/commands</c> and <c>GET /api/security/refusals</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapCommandApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var commands = endpoints.MapGroup("/api").WithTags("Commands");
        commands.MapPost("/nodes/{id}/commands", IssueToNode).WithName("IssueNodeCommand")
            .WithSummary("Stores, signs and sends a command to one known node (online or not); 202 with its id, whose outcome is at /api/commands/{commandId}; 404 for a node never seen.");
        commands.MapPost("/zones/{zone}/commands", IssueToZone).WithName("IssueZoneCommand")
            .WithSummary("Stores, signs and sends a command to every node of a zone (one publish on the zone's topic); 404 when no known node is in the zone.");
        commands.MapPost("/fleet/commands", IssueToFleet).WithName("IssueFleetCommand")
            .WithSummary("Stores, signs and sends a command to every node (one publish on the fleet topic); 422 while no node is known.");
        commands.MapGet("/commands/{commandId}", GetCommand).WithName("GetCommand")
            .WithSummary("A command and each addressed node's outcome (pending, done, refused, failed, unanswered).");
        commands.MapGet("/nodes/{id}/commands", ListNodeCommands).WithName("ListNodeCommands")
            .WithSummary("A node's recent commands, newest first; limit 1–200 (default 20).");
        endpoints.MapGet("/api/security/refusals", ListRefusals).WithName("ListSecurityRefusals").WithTags("Security")
            .WithSummary("Per node, the commands it refused (security.refused events among its newest 'limit' events, 1–1000, default 200).");
        return endpoints;
    }

    private static async Task<Results<Accepted<CommandAccepted>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, UnprocessableEntity<ProblemDetails>, ProblemHttpResult>> IssueToNode(
        string id, IssueCommandRequest request, CommandService service, AuditTrail audit, HttpContext context, CancellationToken cancellationToken) =>
        Identifiers.IsValid(id)
            ? await IssueAsync(new CommandTarget { Node = id }, request, service, audit, context, cancellationToken)
            : TypedResults.BadRequest(Invalid("Invalid node id", "Node ids are 1–64 characters of a–z, 0–9 and '-', not starting with '-'."));

    private static async Task<Results<Accepted<CommandAccepted>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, UnprocessableEntity<ProblemDetails>, ProblemHttpResult>> IssueToZone(
        string zone, IssueCommandRequest request, CommandService service, AuditTrail audit, HttpContext context, CancellationToken cancellationToken) =>
        Identifiers.IsValid(zone)
            ? await IssueAsync(new CommandTarget { Zone = zone }, request, service, audit, context, cancellationToken)
            : TypedResults.BadRequest(Invalid("Invalid zone id", "Zone ids are 1–64 characters of a–z, 0–9 and '-', not starting with '-'."));

    private static Task<Results<Accepted<CommandAccepted>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, UnprocessableEntity<ProblemDetails>, ProblemHttpResult>> IssueToFleet(
        IssueCommandRequest request, CommandService service, AuditTrail audit, HttpContext context, CancellationToken cancellationToken) =>
        IssueAsync(new CommandTarget { All = true }, request, service, audit, context, cancellationToken);

    private static async Task<Results<Accepted<CommandAccepted>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, UnprocessableEntity<ProblemDetails>, ProblemHttpResult>> IssueAsync(
        CommandTarget target, IssueCommandRequest request, CommandService service, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        // Quiet hours are the commune's, set by an admin and audited (/api/settings); a technician's command could
        // otherwise give nodes a window, or a version, the settings never had.
        if (request.Type == CommandCatalog.NameOf<SetQuietHoursCommand>())
        {
            return TypedResults.BadRequest(Invalid(
                "Quiet hours come from the commune settings", "Nodes get 'set-quiet-hours' only from the commune settings: change them with PUT /api/settings (admins)."));
        }

        // Live streams are started and stopped by the Controller's live service, which signs their packets: a bare
        // stream-start would take the loudspeakers (at live priority, over any broadcast) with no audio behind it.
        if (request.Type == CommandCatalog.NameOf<StreamStartCommand>() || request.Type == CommandCatalog.NameOf<StreamStopCommand>())
        {
            return TypedResults.BadRequest(Invalid(
                "Live streams come from the live service", $"Nodes get '{request.Type}' only from the Controller's live service, which sends the stream's signed audio with it."));
        }

        // Keys first: without them no request can succeed, and the answer says how to configure them.
        var result = service.Unavailable() is { } unavailable
            ? IssueResult.Unavailable(unavailable)
            : await service.IssueAsync(target, request.Type, request.Body, cancellationToken);
        await CommandAudit.RecordAsync(audit, context, target, request.Type, result);
        return result.Failure switch
        {
            IssueFailure.None => TypedResults.Accepted($"/api/commands/{result.Command!.Id}", new CommandAccepted(result.Command.Id, result.Command.Command.Seq)),
            IssueFailure.Invalid => TypedResults.BadRequest(Invalid("Invalid command", result.Problem!)),

            // An unknown node or a zone without nodes is a resource that does not exist; an empty fleet exists but
            // cannot take a command yet.
            IssueFailure.NoRecipient when target.All == true => TypedResults.UnprocessableEntity(new ProblemDetails
            {
                Title = "No nodes", Detail = result.Problem, Status = StatusCodes.Status422UnprocessableEntity,
            }),
            IssueFailure.NoRecipient => TypedResults.NotFound(new ProblemDetails
            {
                Title = target.Node is null ? "Unknown zone" : "Unknown node", Detail = result.Problem, Status = StatusCodes.Status404NotFound,
            }),
            _ => Unavailable(result.Problem!),
        };
    }

    private static Results<Ok<CommandView>, NotFound<ProblemDetails>> GetCommand(string commandId, ICommandLog log, TimeProvider timeProvider) =>
        log.Find(commandId) is { } record
            ? TypedResults.Ok(record.View(timeProvider.GetUtcNow()))
            : TypedResults.NotFound(new ProblemDetails
            {
                Title = "Unknown command",
                Detail = $"No command '{commandId}' was issued by this Controller (or it is older than Store:CommandRetention).",
                Status = StatusCodes.Status404NotFound,
            });

    private static Results<Ok<CommandView[]>, BadRequest<ProblemDetails>> ListNodeCommands(string id, string? limit, ICommandLog log, TimeProvider timeProvider)
    {
        if (!Identifiers.IsValid(id))
        {
            return TypedResults.BadRequest(Invalid("Invalid node id", "Node ids are 1–64 characters of a–z, 0–9 and '-', not starting with '-'."));
        }

        if (!TryLimit(limit, DefaultLimit, MaxLimit, out var size))
        {
            return TypedResults.BadRequest(Invalid("Invalid 'limit'", $"'limit' must be a whole number 1–{MaxLimit}, not '{limit}'."));
        }

        var now = timeProvider.GetUtcNow();
        return TypedResults.Ok(log.ForNode(id, size).Select(record => record.View(now)).ToArray());
    }

    private static Results<Ok<NodeRefusalSummary[]>, BadRequest<ProblemDetails>> ListRefusals(string? limit, FleetRegistry fleet, IFleetStore store)
    {
        if (!TryLimit(limit, DefaultRefusalEvents, MaxRefusalEvents, out var size))
        {
            return TypedResults.BadRequest(Invalid("Invalid 'limit'", $"'limit' must be a whole number 1–{MaxRefusalEvents}, not '{limit}'."));
        }

        var summaries = new List<NodeRefusalSummary>();
        foreach (var node in fleet.Snapshot())
        {
            var refusals = store.RecentEvents(node.Id, size).Where(record => record.Event.Kind == ControlMessageRouter.SecurityRefusedKind).ToList();
            if (refusals.Count == 0)
            {
                continue;
            }

            summaries.Add(new NodeRefusalSummary
            {
                NodeId = node.Id,
                Refusals = refusals.Count,
                ByReason = refusals.GroupBy(record => record.Event.Code ?? "unknown", StringComparer.Ordinal)
                    .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal),
                LastAt = refusals.Max(record => record.ReceivedAt),
            });
        }

        return TypedResults.Ok(summaries.OrderByDescending(summary => summary.Refusals).ThenBy(summary => summary.NodeId, StringComparer.Ordinal).ToArray());
    }

    private static bool TryLimit(string? text, int fallback, int max, out int limit)
    {
        limit = fallback;
        return text is null || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max);
    }

    private static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(title: "Commands unavailable", detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static ProblemDetails Invalid(string title, string detail) =>
        new() { Title = title, Detail = detail, Status = StatusCodes.Status400BadRequest };
}
