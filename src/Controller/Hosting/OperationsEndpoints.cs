using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Prometheus;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Hosting;

/// <summary>
/// What operators and their tools ask of the running Controller, whatever job a person does: health, the OpenAPI
/// document and metrics. Not part of any job's group and open without an account: a monitor has none. They only read
/// (states, counters, the API's shape, a random id of this run), the web host listens on loopback unless configured
/// otherwise, and nothing here changes state (docs/security.md, "Accounts and roles").
/// </summary>
public static class OperationsEndpoints
{
    /// <summary>Maps <c>/healthz</c>, <c>/openapi/v1.json</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapOperationsEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", GetHealth).WithName("Health").WithTags("Operations").WithSummary("Broker, MQTT client and store state.").AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ControllerMetrics>().Registry).AllowAnonymous();
        return app;
    }

    private static Results<Ok<ControllerHealthResponse>, JsonHttpResult<ControllerHealthResponse>> GetHealth(
        EmbeddedBroker broker, ControllerMqttClient client, StoreEngine store, ControllerIdentity identity, IOptions<BrokerOptions> options)
    {
        var embedded = options.Value.Mode == BrokerMode.Embedded;
        var storeHealthy = store.Status.WritesSucceed;
        var healthy = (!embedded || broker.IsRunning) && client.IsConnected && storeHealthy;
        var response = new ControllerHealthResponse
        {
            Status = !healthy ? "unhealthy" : store.Status.Degraded is null ? "healthy" : "degraded",
            BrokerMode = options.Value.Mode.ToString(),
            EmbeddedBrokerRunning = embedded ? broker.IsRunning : null,
            BrokerPort = client.Endpoint().Port,
            MqttConnected = client.IsConnected,
            StoreHealthy = storeHealthy,
            StoreError = store.Status.WriteFailure,
            StoreDegraded = store.Status.Degraded,
            Instance = identity.Instance,
        };
        return healthy
            ? TypedResults.Ok(response)
            : TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
