namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// The headers every response carries — pages, API, static files, errors, the event stream — set just before the
/// response starts, so that an error handler clearing the response (UseExceptionHandler does) cannot drop them.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// Only this origin's files run, style and connect: no inline script or style (the pages have none), so an
    /// injected &lt;script&gt; or style attribute does nothing. Images may be data: URIs (the favicon, SVG charts);
    /// media blob: URIs (a recording played back before upload). No one may frame the pages (clickjacking), no form
    /// posts elsewhere, no &lt;base&gt; rewrites the links, no plug-ins.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
        + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    /// <summary>
    /// No Referer at all, rather than same-origin: nothing here reads it (antiforgery rests on tokens and a SameSite
    /// cookie), and a URL can name a node or a filter that is nobody else's business.
    /// </summary>
    public const string ReferrerPolicy = "no-referrer";

    /// <summary>The microphone for this origin only (live broadcasts); no camera, no location.</summary>
    public const string PermissionsPolicy = "microphone=(self), camera=(), geolocation=()";

    /// <summary>
    /// One year, without includeSubDomains: the commune's other sites under its domain may not all have HTTPS, and
    /// without preload: that list is not for a village-hall machine.
    /// </summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>Adds the headers to <paramref name="context"/>'s response when it starts.</summary>
    public static void OnStarting(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = ReferrerPolicy;
            headers["Permissions-Policy"] = PermissionsPolicy;

            // Only over HTTPS (a browser ignores it over HTTP anyway), and never for "localhost": browsers apply HSTS
            // to a name on every port, so the demo's plain http://localhost:5080 would stop working in that browser.
            // IP literals are ignored by browsers (RFC 6797), so 127.0.0.1 needs no exception.
            if (http.Request.IsHttps && !string.Equals(http.Request.Host.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                headers.StrictTransportSecurity = StrictTransportSecurity;
            }

            return Task.CompletedTask;
        }, context);
    }
}
