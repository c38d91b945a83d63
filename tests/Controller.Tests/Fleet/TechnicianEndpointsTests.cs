using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Web;

namespace SmartLoudspeaker.Controller.Tests.Fleet;

/// <summary>
/// The technician's job is one route group with the technician policy: what is put on the group reaches every
/// technician endpoint, at its unchanged URL, and no endpoint of another job or of operations; the fleet overview's
/// reads are on a second group with the fleet readers' policy.
/// </summary>
public sealed class TechnicianEndpointsTests
{
    [Fact]
    public async Task A_convention_on_the_technician_group_reaches_every_technician_endpoint_and_nothing_else()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.AddSmartLoudspeakerController();
        builder.AddControllerSecurity();
        builder.AddControllerCommands();
        builder.AddSmartLoudspeakerWeb();
        await using var app = builder.Build();
        var marker = new TechnicianMarker();
        app.MapTechnicianEndpoints().WithMetadata(marker);
        app.MapOperationsEndpoints();

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().ToList();
        string Describe(RouteEndpoint endpoint) =>
            $"{string.Join(',', endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])} {endpoint.RoutePattern.RawText}";

        Assert.Equal(
            [
                "DELETE /api/identities/{id}",
                "DELETE /api/zones/{id}",
                "GET /api/broker/observer",
                "GET /api/broker/refusals",
                "GET /api/commands/{commandId}",
                "GET /api/enrolment/requests",
                "GET /api/enrolment/tokens",
                "GET /api/identities/",
                "GET /api/identities/{id}",
                "GET /api/nodes/{id}/commands",
                "GET /api/security/refusals",
                "GET /api/zones/",
                "GET /api/zones/{id}",
                "POST /api/enrolment/requests/{id}/approve",
                "POST /api/enrolment/requests/{id}/refuse",
                "POST /api/enrolment/tokens",
                "POST /api/enrolment/tokens/{tokenId}/revoke",
                "POST /api/fleet/commands",
                "POST /api/identities/{id}/revoke",
                "POST /api/identities/{id}/rotate",
                "POST /api/nodes/{id}/commands",
                "POST /api/zones/",
                "POST /api/zones/{zone}/commands",
                "PUT /api/identities/{id}/zones",
                "PUT /api/zones/{id}",
            ],
            endpoints.Where(endpoint => endpoint.Metadata.Contains(marker)).Select(Describe).Order(StringComparer.Ordinal));
        Assert.Contains(endpoints, endpoint => endpoint.RoutePattern.RawText == "/healthz" && !endpoint.Metadata.Contains(marker));

        // The fleet overview's reads are the job's too, on the second group that viewers may also read.
        Assert.Equal(
            ["GET /api/nodes/", "GET /api/nodes/{id}", "GET /api/nodes/{id}/events", "GET /api/nodes/{id}/history", "GET /events/fleet"],
            endpoints.Where(endpoint => endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(data => data.Policy == AccountPolicies.FleetRead))
                .Select(Describe).Order(StringComparer.Ordinal));
        Assert.All(
            endpoints.Where(endpoint => endpoint.Metadata.Contains(marker)),
            endpoint => Assert.Contains(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), data => data.Policy == AccountPolicies.Technician));
    }

    private sealed class TechnicianMarker;
}
