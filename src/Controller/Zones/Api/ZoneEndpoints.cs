using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Zones.Api;

/// <summary>The technician's REST view of the zone registry: list, name, rename and delete zones.</summary>
public static class ZoneEndpoints
{
    /// <summary>Maps <c>GET/POST /api/zones</c> and <c>GET/PUT/DELETE /api/zones/{id}</c>.</summary>
    public static IEndpointRouteBuilder MapZoneApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var zones = endpoints.MapGroup("/api/zones").WithTags("Zones");
        zones.MapGet("/", ListZones).WithName("ListZones")
            .WithSummary("Every named zone and every zone a node declares without a name (named = false), by id, with its number of nodes.");
        zones.MapGet("/{id}", GetZone).WithName("GetZone").WithSummary("One zone of the registry or declared by a node.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        // Refusals are problem details (application/problem+json) with the status the problem calls for.
        zones.MapPost("/", CreateZone).WithName("CreateZone")
            .WithSummary("Names a zone (a new id, or one nodes already declare); 409 when the id is already named or another zone has the name.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        zones.MapPut("/{id}", RenameZone).WithName("RenameZone")
            .WithSummary("Replaces a named zone's name and description; 404 for a zone not in the registry, 409 when another zone has the name.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        zones.MapDelete("/{id}", DeleteZone).WithName("DeleteZone")
            .WithSummary("Forgets a zone's name; 409 while any node belongs to the zone.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static Ok<ZoneView[]> ListZones(ZoneRegistry registry) =>
        TypedResults.Ok(registry.List().Select(View).ToArray());

    private static Results<Ok<ZoneView>, ProblemHttpResult> GetZone(string id, ZoneRegistry registry)
    {
        if (!Protocol.Identifiers.IsValid(id))
        {
            return TypedResults.Problem(Problem(new ZoneChange(ZoneProblem.InvalidId), id));
        }

        return registry.List().FirstOrDefault(entry => entry.Id == id) is { } found
            ? TypedResults.Ok(View(found))
            : TypedResults.Problem(Problem(new ZoneChange(ZoneProblem.Unknown), id));
    }

    private static async Task<Results<Created<ZoneView>, ProblemHttpResult>> CreateZone(
        CreateZoneRequest request, ZoneRegistry registry, AuditTrail audit, HttpContext context)
    {
        var change = await registry.CreateAsync(request.Id, request.Name, request.Description);
        await ZoneAudit.RecordAsync(audit, context, AuditActions.ZoneCreated, change, request.Id);
        return change.Succeeded
            ? TypedResults.Created($"/api/zones/{change.Zone!.Id}", Saved(change, registry))
            : TypedResults.Problem(Problem(change, request.Id));
    }

    private static async Task<Results<Ok<ZoneView>, ProblemHttpResult>> RenameZone(
        string id, RenameZoneRequest request, ZoneRegistry registry, AuditTrail audit, HttpContext context)
    {
        var change = await registry.RenameAsync(id, request.Name, request.Description);
        await ZoneAudit.RecordAsync(audit, context, AuditActions.ZoneRenamed, change, id);
        return change.Succeeded ? TypedResults.Ok(Saved(change, registry)) : TypedResults.Problem(Problem(change, id));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteZone(string id, ZoneRegistry registry, AuditTrail audit, HttpContext context)
    {
        var change = await registry.DeleteAsync(id);
        await ZoneAudit.RecordAsync(audit, context, AuditActions.ZoneDeleted, change, id);
        return change.Succeeded ? TypedResults.NoContent() : TypedResults.Problem(Problem(change, id));
    }

    private static ZoneView Saved(ZoneChange change, ZoneRegistry registry) =>
        View(registry.List().FirstOrDefault(entry => entry.Id == change.Zone!.Id) ?? new ZoneEntry(change.Zone!.Id, change.Zone, 0));

    private static ZoneView View(ZoneEntry entry) => new()
    {
        Id = entry.Id,
        Name = entry.Zone?.Name,
        Description = entry.Zone?.Description,
        Named = entry.Named,
        Nodes = entry.Nodes,
        CreatedAt = entry.Zone?.CreatedAt,
        ChangedAt = entry.Zone?.ChangedAt,
    };

    private static ProblemDetails Problem(ZoneChange change, string? id)
    {
        var (status, title, detail) = change.Problem switch
        {
            ZoneProblem.InvalidId => (StatusCodes.Status400BadRequest, "Invalid zone id",
                $"A zone id is 1–64 characters of a–z, 0–9 and '-', not starting with '-', not '{Echo(id)}'."),
            ZoneProblem.InvalidName => (StatusCodes.Status400BadRequest, "Invalid zone name",
                $"A zone name is 1–{ZoneRules.MaxNameLength} characters once trimmed, without control characters (line breaks, tabs)."),
            ZoneProblem.InvalidDescription => (StatusCodes.Status400BadRequest, "Invalid zone description",
                $"A zone description is at most {ZoneRules.MaxDescriptionLength} characters, without control characters."),
            ZoneProblem.DuplicateName => (StatusCodes.Status409Conflict, "Duplicate zone name",
                $"Zone '{change.NameHolder!.Id}' is already named '{change.NameHolder.Name}' (names are compared without regard to case); choose another name."),
            ZoneProblem.AlreadyNamed => (StatusCodes.Status409Conflict, "Zone already named",
                $"Zone '{id}' is already named '{change.Zone!.Name}'; rename it with PUT /api/zones/{id}."),
            ZoneProblem.Unknown => (StatusCodes.Status404NotFound, "Unknown zone",
                $"Zone '{id}' is not in the registry (name it with POST /api/zones)."),
            ZoneProblem.InUse => (StatusCodes.Status409Conflict, "Zone in use",
                $"{change.Nodes} node(s) still belong to zone '{id}'; a zone is deleted only once no node declares it."),
            ZoneProblem.NotStored => (StatusCodes.Status503ServiceUnavailable, "Zone not stored",
                $"The Controller could not store the change, so nothing changed: {change.StoreError}"),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change.Problem, "not a refusal"),
        };
        return new ProblemDetails { Status = status, Title = title, Detail = detail };
    }

    /// <summary>At most 64 characters of what was sent, so a huge id does not come back whole in the answer.</summary>
    private static string Echo(string? value) => value is null ? string.Empty : value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}
