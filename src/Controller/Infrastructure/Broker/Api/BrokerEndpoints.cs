using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Api;

/// <summary>The technician's view of the broker: what it refused, and the observer account's credentials.</summary>
public static class BrokerEndpoints
{
    /// <summary>Maps <c>/api/broker/refusals</c> and <c>/api/broker/observer</c>.</summary>
    public static IEndpointRouteBuilder MapBrokerApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var broker = endpoints.MapGroup("/api/broker").WithTags("Broker");
        broker.MapGet("/refusals", GetRefusals).WithName("GetBrokerRefusals")
            .WithSummary("What the broker refused since start, per reason and per source (username, else address), and the latest 200.");
        broker.MapGet("/observer", GetObserver).WithName("GetBrokerObserver")
            .WithSummary("The read-only observer account: username, password and where the broker is.");
        return endpoints;
    }

    private static Ok<BrokerRefusalReport> GetRefusals(BrokerRefusalLog refusals) => TypedResults.Ok(refusals.Report());

    private static Ok<ObserverCredentials> GetObserver(HttpContext context, BrokerSecrets secrets, IOptions<BrokerOptions> options, EmbeddedBroker broker) =>
        TypedResults.Ok(Observer(context, secrets, options.Value, broker));

    /// <summary>The observer account's credentials as seen from this request (the Broker page shows them too).</summary>
    internal static ObserverCredentials Observer(HttpContext context, BrokerSecrets secrets, BrokerOptions configured, EmbeddedBroker broker)
    {
        var host = configured.Mode == BrokerMode.External ? configured.Host! : context.Request.Host.Host;
        var port = configured.Mode == BrokerMode.External ? configured.Port : broker.Port;
        var username = BuiltInBrokerAccounts.ObserverUsername;
        var password = secrets.ObserverPassword;
        var example = FormattableString.Invariant($"mosquitto_sub -h {host} -p {port} -u {username} -P '{password}' -t 'sl/v1/#' -v");
        return new ObserverCredentials(username, password, host, port, example);
    }
}
