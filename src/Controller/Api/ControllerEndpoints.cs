using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Prometheus;
using SmartLoudspeaker.Controller.Broker;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Metrics;
using SmartLoudspeaker.Controller.Mqtt;
using SmartLoudspeaker.Controller.Options;
using SmartLoudspeaker.Controller.Store;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Api;

/// <summary>The controller's HTTP surface: REST API, health, OpenAPI document and metrics.</summary>
public static class ControllerEndpoints
{
    /// <summary>Maps <c>/api/nodes</c>, <c>/api/nodes/{id}</c>, <c>/healthz</c>, <c>/openapi/v1.json</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapSmartLoudspeakerApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var nodes = app.MapGroup("/api/nodes").WithTags("Nodes");
        nodes.MapGet("/", ListNodes).WithName("ListNodes").WithSummary("Every known node with its state, latest health and faults.");
        nodes.MapGet("/{id}", GetNode).WithName("GetNode").WithSummary("One node with its recent health history and events.");
        app.MapGet("/healthz", GetHealth).WithName("Health").WithTags("Operations").WithSummary("Broker, MQTT client and store state.");
        app.MapOpenApi();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ControllerMetrics>().Registry);
        return app;
    }

    private static Ok<NodeSummary[]> ListNodes(FleetRegistry fleet, IOptions<FleetOptions> options) =>
        TypedResults.Ok(fleet.Snapshot().Select(node => NodeViews.Summary(node, options.Value)).ToArray());

    private static Results<Ok<NodeDetail>, NotFound<ProblemDetails>, BadRequest<ProblemDetails>> GetNode(
        string id, FleetRegistry fleet, IFleetStore store, IOptions<FleetOptions> options)
    {
        if (!Identifiers.IsValid(id))
        {
            return TypedResults.BadRequest(new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Invalid node id",
                Detail = "A node id is 1–64 characters of a–z, 0–9 and '-', not starting with '-'.",
            });
        }

        var node = fleet.Find(id);
        if (node is null)
        {
            return TypedResults.NotFound(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Unknown node",
                Detail = $"No node '{id}' has ever sent a birth to this controller.",
            });
        }

        var fleetOptions = options.Value;
        return TypedResults.Ok(NodeViews.Detail(
            node,
            fleetOptions,
            store.RecentHealth(id, fleetOptions.HistoryPerNode),
            store.RecentEvents(id, fleetOptions.EventsPerNode)));
    }

    private static Results<Ok<ControllerHealthResponse>, JsonHttpResult<ControllerHealthResponse>> GetHealth(
        EmbeddedBroker broker, ControllerMqttClient client, IFleetStore store, ControllerIdentity identity, IOptions<BrokerOptions> options)
    {
        var embedded = options.Value.Mode == BrokerMode.Embedded;
        var storeHealthy = store.IsHealthy();
        var healthy = (!embedded || broker.IsRunning) && client.IsConnected && storeHealthy;
        var response = new ControllerHealthResponse
        {
            Status = healthy ? "healthy" : "unhealthy",
            BrokerMode = options.Value.Mode.ToString(),
            EmbeddedBrokerRunning = embedded ? broker.IsRunning : null,
            BrokerPort = client.Endpoint().Port,
            MqttConnected = client.IsConnected,
            StoreHealthy = storeHealthy,
            Instance = identity.Instance,
        };
        return healthy
            ? TypedResults.Ok(response)
            : TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
