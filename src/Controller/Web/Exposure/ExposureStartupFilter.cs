using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// The outermost part of the pipeline, before anything else of the app runs: the security headers (so even a refusal
/// carries them), the Host check (ASP.NET's HostFiltering middleware, with the refusals logged once per host), the
/// forwarded headers of a trusted reverse proxy, and the refusal of plain HTTP that reached a non-loopback address.
/// It replaces the HostFiltering startup filter of the web host's defaults, which would run first but log nothing.
/// </summary>
internal sealed class ExposureStartupFilter(IOptions<ExposureOptions> options, HostRefusalLog refusals, IServer server) : IStartupFilter
{
    private static readonly object PassedHostFilter = new();
    private int? _httpsPort;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            SecurityHeaders.OnStarting(context);
            await nextMiddleware(context);

            // HostFiltering answers 400 without calling on: a 400 without the mark is its refusal.
            if (context.Response.StatusCode == StatusCodes.Status400BadRequest && !context.Items.ContainsKey(PassedHostFilter))
            {
                refusals.Refused(context);
            }
        });
        app.UseHostFiltering();
        app.Use((context, nextMiddleware) =>
        {
            context.Items[PassedHostFilter] = true;
            return nextMiddleware(context);
        });

        if (options.Value.ReverseProxy.Enabled)
        {
            app.UseForwardedHeaders();
        }
        else
        {
            app.Use((context, nextMiddleware) => ListenAddresses.IsLoopbackConnection(context.Connection.LocalIpAddress) || context.Request.IsHttps
                ? nextMiddleware(context)
                : RefusePlainHttp(context));
        }

        next(app);
    };

    /// <summary>
    /// Plain HTTP that came in on an address beyond loopback (a wildcard http:// binding reached from the village
    /// network): a page or file asked for is redirected to the same URL over HTTPS; anything else (an API write, a
    /// sign-in) is refused, so a client learns to use HTTPS instead of being silently redirected with its body.
    /// </summary>
    private Task RefusePlainHttp(HttpContext context)
    {
        var request = context.Request;
        if (HttpsPort() is { } port && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            var host = port == 443 ? new HostString(request.Host.Host) : new HostString(request.Host.Host, port);
            context.Response.Redirect($"https://{host}{request.PathBase}{request.Path}{request.QueryString}", permanent: true, preserveMethod: true);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("Use HTTPS: this address serves plain HTTP only to this machine (docs/operations.md).\n");
    }

    /// <summary>The port of the first https:// address the server bound (known once it listens), or null when none.</summary>
    private int? HttpsPort()
    {
        if (_httpsPort is null && server.Features.Get<IServerAddressesFeature>()?.Addresses is { } addresses)
        {
            foreach (var address in addresses.Where(ListenAddresses.IsHttps))
            {
                if (BindingAddress.Parse(address) is { Port: > 0 } binding)
                {
                    _httpsPort = binding.Port;
                    break;
                }
            }
        }

        return _httpsPort;
    }
}
