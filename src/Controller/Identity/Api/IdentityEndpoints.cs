using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>
/// The technician's enrolment API: pending requests (approve, refuse), enrolled nodes (revoke, retire, zones, rotate) and
/// enrolment tokens (make, list, revoke). Mapped on the technician's route group, so it takes that group's policy.
/// </summary>
public static class IdentityEndpoints
{
    private const string ZonesRule = "Zones are 1–16 distinct zone ids of 1–64 characters of a–z, 0–9 and '-', not starting with '-'.";
    private const string NodeIdRule = "Node ids are 1–64 characters of a–z, 0–9 and '-', not starting with '-'.";
    private static readonly TimeSpan LongestTokenLife = TimeSpan.FromDays(366);

    /// <summary>Maps <c>/api/enrolment/requests</c>, <c>/api/enrolment/tokens</c> and <c>/api/identities</c>.</summary>
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var enrolment = endpoints.MapGroup("/api/enrolment").WithTags("Enrolment");
        enrolment.MapGet("/requests", ListRequests).WithName("ListEnrolmentRequests")
            .WithSummary("Enrolment requests waiting for a technician, oldest first, with the key fingerprint and hardware serial to check.");
        enrolment.MapPost("/requests/{id}/approve", Approve).WithName("ApproveEnrolment")
            .WithSummary("Enrols the node with the zones given (default: those it asked for): its broker account is made and it is told; 404 when no request waits.");
        enrolment.MapPost("/requests/{id}/refuse", Refuse).WithName("RefuseEnrolment")
            .WithSummary("Drops a waiting request and tells the node; it may ask again.");
        enrolment.MapGet("/tokens", ListTokens).WithName("ListEnrolmentTokens")
            .WithSummary("Enrolment tokens, newest first, without their secrets.");
        enrolment.MapPost("/tokens", CreateToken).WithName("CreateEnrolmentToken")
            .WithSummary("Makes an expiring token for bulk installs; the token string (with its secret) is in this answer only.");
        enrolment.MapPost("/tokens/{tokenId}/revoke", RevokeToken).WithName("RevokeEnrolmentToken")
            .WithSummary("Revokes a token: it approves nobody from now on (nodes already enrolled with it stay).");

        var identities = endpoints.MapGroup("/api/identities").WithTags("Enrolment");
        identities.MapGet("/", ListIdentities).WithName("ListIdentities")
            .WithSummary("Enrolled and revoked nodes: fingerprint, approved and declared zones (mismatch flagged), when and how enrolled, last seen.");
        identities.MapGet("/{id}", GetIdentity).WithName("GetIdentity").WithSummary("One enrolled or revoked node.");
        identities.MapPost("/{id}/revoke", Revoke).WithName("RevokeIdentity")
            .WithSummary("Revokes a node: its broker account is removed (the broker disconnects it), what it signs stops counting, no token re-enrols it.");
        identities.MapPut("/{id}/zones", SetZones).WithName("SetIdentityZones")
            .WithSummary("Replaces an enrolled node's approved zones; its broker account is replaced, so it resubscribes under the new ones.");
        identities.MapPost("/{id}/rotate", Rotate).WithName("RotateIdentity")
            .WithSummary("Asks the node to rotate its key and broker password (signed \"rotate-identity\"); its request with the new key its signed answer names is approved at once and the old credentials stop working; 202 with the rotation, 409 while one is under way or for a revoked node.");
        identities.MapDelete("/{id}", Retire).WithName("RetireNode")
            .WithSummary("Retires a node: identity, pending request, broker account and fleet entry are removed.");
        return endpoints;
    }

    private static Ok<PendingRequestView[]> ListRequests(EnrolmentService service) =>
        TypedResults.Ok(service.Pending().Select(pending => IdentityViews.View(pending, service.FindIdentity(pending.NodeId))).ToArray());

    private static async Task<Results<Ok<NodeIdentityView>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>>> Approve(
        string id, ZonesBody? body, EnrolmentService service, IdentityViewer views, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValid(id))
        {
            return TypedResults.BadRequest(Invalid("Invalid node id", NodeIdRule));
        }

        var outcome = await service.ApproveAsync(id, body?.Zones, EnrolmentService.Technician, cancellationToken);
        await IdentityAudit.RecordAsync(audit, context, AuditActions.EnrolmentApproved, outcome, IdentityAudit.Node(id), IdentityAudit.Zones(body?.Zones));
        return outcome switch
        {
            IdentityOutcome.Done => TypedResults.Ok(views.Find(id)!),
            IdentityOutcome.BadZones => TypedResults.BadRequest(Invalid("Invalid zones", ZonesRule)),
            _ => TypedResults.NotFound(NoRequest(id)),
        };
    }

    private static async Task<Results<NoContent, BadRequest<ProblemDetails>, NotFound<ProblemDetails>>> Refuse(
        string id, EnrolmentService service, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValid(id))
        {
            return TypedResults.BadRequest(Invalid("Invalid node id", NodeIdRule));
        }

        var outcome = await service.RefuseAsync(id, cancellationToken);
        await IdentityAudit.RecordAsync(audit, context, AuditActions.EnrolmentRefused, outcome, IdentityAudit.Node(id));
        return outcome == IdentityOutcome.Done ? TypedResults.NoContent() : TypedResults.NotFound(NoRequest(id));
    }

    private static Ok<EnrolmentTokenView[]> ListTokens(EnrolmentService service, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        return TypedResults.Ok(service.Tokens().Select(token => IdentityViews.View(token, now)).ToArray());
    }

    private static async Task<Results<Created<CreatedEnrolmentToken>, BadRequest<ProblemDetails>>> CreateToken(
        CreateTokenBody body, EnrolmentService service, TimeProvider timeProvider, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (body.Expires is not { } expires || expires <= now || expires > now + LongestTokenLife)
        {
            return TypedResults.BadRequest(Invalid("Invalid 'expires'", "'expires' is required: an ISO 8601 instant in the future, at most 366 days ahead."));
        }

        var maxUses = body.MaxUses ?? 1;
        if (maxUses is < 1 or > 100_000)
        {
            return TypedResults.BadRequest(Invalid("Invalid 'maxUses'", "'maxUses' must be 1–100000."));
        }

        var (outcome, token, record) = await service.CreateTokenAsync(body.Zones ?? [], expires, maxUses, EnrolmentService.Technician, cancellationToken);
        await IdentityAudit.RecordAsync(audit, context, AuditActions.EnrolmentTokenCreated, outcome, record?.Id ?? "token", $"{IdentityAudit.Zones(body.Zones ?? [])}; {maxUses} uses; expires {expires:O}");
        return outcome == IdentityOutcome.Done
            ? TypedResults.Created($"/api/enrolment/tokens/{record!.Id}", new CreatedEnrolmentToken(token!, IdentityViews.View(record, now)))
            : TypedResults.BadRequest(Invalid("Invalid zones", ZonesRule));
    }

    private static async Task<Results<Ok<EnrolmentTokenView>, NotFound<ProblemDetails>>> RevokeToken(
        string tokenId, EnrolmentService service, TimeProvider timeProvider, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.RevokeTokenAsync(tokenId, cancellationToken);
        await IdentityAudit.RecordAsync(audit, context, AuditActions.EnrolmentTokenRevoked, outcome, tokenId);
        return outcome == IdentityOutcome.Done
            ? TypedResults.Ok(IdentityViews.View(service.Tokens().First(token => token.Id == tokenId), timeProvider.GetUtcNow()))
            : TypedResults.NotFound(new ProblemDetails { Title = "Unknown token", Detail = $"No enrolment token '{tokenId}'.", Status = StatusCodes.Status404NotFound });
    }

    private static Ok<NodeIdentityView[]> ListIdentities(IdentityViewer views) => TypedResults.Ok(views.All());

    private static Results<Ok<NodeIdentityView>, NotFound<ProblemDetails>> GetIdentity(string id, IdentityViewer views) =>
        views.Find(id) is { } identity ? TypedResults.Ok(identity) : TypedResults.NotFound(NoIdentity(id));

    private static async Task<Results<Ok<NodeIdentityView>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> Revoke(
        string id, EnrolmentService service, IdentityViewer views, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.RevokeAsync(id, cancellationToken);
        await IdentityAudit.RecordAsync(audit, context, AuditActions.IdentityRevoked, outcome, IdentityAudit.Node(id));
        return outcome switch
        {
            IdentityOutcome.Done => TypedResults.Ok(views.Find(id)!),
            IdentityOutcome.Conflict => TypedResults.Conflict(Conflicting("Already revoked", $"Node '{id}' is already revoked.")),
            _ => TypedResults.NotFound(NoIdentity(id)),
        };
    }

    private static async Task<Results<Ok<NodeIdentityView>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> SetZones(
        string id, ZonesBody body, EnrolmentService service, IdentityViewer views, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.SetZonesAsync(id, body.Zones ?? [], cancellationToken);
        await IdentityAudit.RecordAsync(audit, context, AuditActions.IdentityZonesChanged, outcome, IdentityAudit.Node(id), IdentityAudit.Zones(body.Zones ?? []));
        return outcome switch
        {
            IdentityOutcome.Done => TypedResults.Ok(views.Find(id)!),
            IdentityOutcome.BadZones => TypedResults.BadRequest(Invalid("Invalid zones", ZonesRule)),
            IdentityOutcome.Conflict => TypedResults.Conflict(Revoked(id)),
            _ => TypedResults.NotFound(NoIdentity(id)),
        };
    }

    private static async Task<Results<Accepted<NodeIdentityView>, BadRequest<ProblemDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>, ProblemHttpResult>> Rotate(
        string id, IdentityRotator rotator, IdentityViewer views, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValid(id))
        {
            return TypedResults.BadRequest(Invalid("Invalid node id", NodeIdRule));
        }

        var (outcome, issued) = await rotator.RotateAsync(id, EnrolmentService.Technician, cancellationToken);
        await IdentityAudit.RecordRotationAsync(audit, context, id, outcome, issued);
        return (outcome, issued?.Failure) switch
        {
            (IdentityOutcome.Done, IssueFailure.None) => TypedResults.Accepted($"/api/commands/{issued!.Command!.Id}", views.Find(id)!),
            (IdentityOutcome.Done, IssueFailure.NoRecipient) => TypedResults.Conflict(Conflicting(
                "Node never connected", $"Node '{id}' has not connected since it was enrolled, so it cannot be asked to rotate yet.")),
            (IdentityOutcome.Done, _) => TypedResults.Problem(title: "Commands unavailable", detail: issued!.Problem, statusCode: StatusCodes.Status503ServiceUnavailable),
            (IdentityOutcome.Conflict, _) when views.Find(id) is { Status: "enrolled", Rotation: { } rotation } => TypedResults.Conflict(Conflicting(
                "Already rotating", $"Node '{id}' is rotating its key since {rotation.RequestedAt:o} (command {rotation.CommandId}); wait until it completes or fails at {rotation.Deadline:o}.")),
            (IdentityOutcome.Conflict, _) => TypedResults.Conflict(Revoked(id)),
            _ => TypedResults.NotFound(NoIdentity(id)),
        };
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> Retire(
        string id, EnrolmentService service, AuditTrail audit, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await service.RetireAsync(id, cancellationToken);
        await IdentityAudit.RecordAsync(audit, context, AuditActions.IdentityRetired, outcome, IdentityAudit.Node(id));
        return outcome == IdentityOutcome.Done ? TypedResults.NoContent() : TypedResults.NotFound(NoIdentity(id));
    }

    private static ProblemDetails Invalid(string title, string detail) => new() { Title = title, Detail = detail, Status = StatusCodes.Status400BadRequest };

    private static ProblemDetails Conflicting(string title, string detail) => new() { Title = title, Detail = detail, Status = StatusCodes.Status409Conflict };

    private static ProblemDetails Revoked(string id) =>
        Conflicting("Node revoked", $"Node '{id}' is revoked; approve a new request to enrol it again.");

    private static ProblemDetails NoRequest(string id) => new()
    {
        Title = "No request", Detail = $"No enrolment request from node '{id}' is waiting.", Status = StatusCodes.Status404NotFound,
    };

    private static ProblemDetails NoIdentity(string id) => new()
    {
        Title = "Unknown node", Detail = $"Node '{id}' is not enrolled (nor revoked).", Status = StatusCodes.Status404NotFound,
    };
}
