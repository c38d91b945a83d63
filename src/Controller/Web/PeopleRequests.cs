using Microsoft.Net.Http.Headers;
using SmartLoudspeaker.Controller.Fleet.Pages;

namespace SmartLoudspeaker.Controller.Web;

/// <summary>Tells requests from people (pages) from requests from programs (API, metrics, event stream).</summary>
internal static class PeopleRequests
{
    public static bool Are(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Are(request.Path) && !request.Headers[HeaderNames.Accept].ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
    }

    public static bool Are(PathString path) =>
        !path.StartsWithSegments("/api", StringComparison.Ordinal)
        && !path.StartsWithSegments("/healthz", StringComparison.Ordinal)
        && !path.StartsWithSegments("/metrics", StringComparison.Ordinal)
        && !path.StartsWithSegments("/openapi", StringComparison.Ordinal)
        && !path.StartsWithSegments(FleetStreamEndpoints.FleetStreamPath, StringComparison.Ordinal);
}
