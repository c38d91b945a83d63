using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet.Api;
using SmartLoudspeaker.Controller.Fleet.Pages;
using SmartLoudspeaker.Controller.Identity.Api;
using SmartLoudspeaker.Controller.Zones.Api;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Api;

namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>
/// The technician's job on two route groups, each carrying its role policy in this one place: what a viewer may read
/// too (the fleet API's reads and the live stream of the fleet pages), and what needs the technician role (enrolment
/// and node identities, commands to a node, a zone or the fleet and their outcomes, what nodes refused, the zone
/// registry, what the broker refused and the observer account). The technician's pages take the same policies by
/// folder in <c>AddRazorPages</c>.
/// </summary>
public static class TechnicianEndpoints
{
    /// <summary>Maps the technician's endpoints on groups without a prefix, so that every URL stays as it was; returns the technician-only group.</summary>
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
