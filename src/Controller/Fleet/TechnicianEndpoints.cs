using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet.Api;
using SmartLoudspeaker.Controller.Fleet.Pages;
using SmartLoudspeaker.Controller.Identity.Api;
using SmartLoudspeaker.Controller.Zones.Api;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Api;

namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>
/// The technician's job on one route group: the fleet API, enrolment and node identities, commands to a node, a zone or
/// the fleet and their outcomes, what nodes refused, the zone registry, what the broker refused and the observer account,
/// and the live stream of the fleet pages. Whatever applies to the technician's work alone (the
/// accounts issue's role policy: <c>.RequireAuthorization(…)</c> on the group returned here) is added in this one place;
/// the technician's pages, under <c>/Fleet/Pages</c> and <c>/Zones/Pages</c>, take the same policy by folder in <c>AddRazorPages</c>.
/// </summary>
public static class TechnicianEndpoints
{
    /// <summary>Maps the technician's endpoints on a group without a prefix, so that every URL stays as it was.</summary>
    public static RouteGroupBuilder MapTechnicianEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var fleetReaders = endpoints.MapGroup(string.Empty).RequireAuthorization(AccountPolicies.FleetRead);
        fleetReaders.MapFleetApi();
        FleetStreamEndpoints.Map(fleetReaders);

        var technician = endpoints.MapGroup(string.Empty).RequireAuthorization(AccountPolicies.Technician);
        technician.MapCommandApi();
        technician.MapIdentityApi();
        technician.MapZoneApi();
        technician.MapBrokerApi();
        return technician;
    }
}
