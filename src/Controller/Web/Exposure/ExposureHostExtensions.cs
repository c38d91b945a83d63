using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// Composition of how the web host faces the network (options from "Exposure"): allowed hosts, security headers,
/// HTTPS with a generated or the commune's certificate, and a trusted reverse proxy. Its middleware goes in front of
/// the whole pipeline by a startup filter, so it runs before anything Program maps (docs/security.md, "Exposure").
/// </summary>
public static class ExposureHostExtensions
{
    /// <summary>Registers the exposure's options, middleware and certificate.</summary>
    public static WebApplicationBuilder AddControllerExposure(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ExposureOptions>().Bind(builder.Configuration.GetSection(ExposureOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExposureOptions>, ExposureOptionsValidator>();
        services.AddSingleton<HostRefusalLog>();
        services.AddSingleton<WebServerCertificate>();
        services.AddHostedService(provider => provider.GetRequiredService<WebServerCertificate>());

        // The web host's defaults allow every host ("*" unless AllowedHosts says otherwise) from a startup filter of
        // their own; ours replaces it, first of all startup filters, so it is the outermost middleware.
        foreach (var defaults in services.Where(service => service.ServiceType == typeof(IStartupFilter) && service.ImplementationType?.Name == "HostFilteringStartupFilter").ToList())
        {
            services.Remove(defaults);
        }

        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, ExposureStartupFilter>());
        services.AddOptions<HostFilteringOptions>().Configure<IOptions<ExposureOptions>, IConfiguration>((hosts, exposure, configuration) =>
        {
            // Without a Host header there is nothing to rebind, but also nothing a browser sends: HTTP/1.0 tools only.
            hosts.AllowEmptyHosts = false;
            hosts.AllowedHosts = AllowedHosts(exposure.Value, configuration);
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ExposureOptions>>((forwarded, exposure) =>
        {
            // The client's address (audit log, sign-in limits) and the scheme (Secure cookies, HSTS); not the host:
            // the proxy passes the Host on, and the Host check must see the one the browser sent.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            var proxy = exposure.Value.ReverseProxy;
            if (proxy.KnownProxies.Count > 0 || proxy.KnownNetworks.Count > 0)
            {
                forwarded.KnownProxies.Clear();
                foreach (var address in proxy.KnownProxies)
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(address));
                }

                foreach (var network in proxy.KnownNetworks)
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            }
        });

        // Its default marks the cookie Secure never; the session and language cookies are Secure over HTTPS, so is this.
        services.Configure<AntiforgeryOptions>(antiforgery => antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var certificate = kestrel.ApplicationServices.GetRequiredService<WebServerCertificate>();
            kestrel.ConfigureHttpsDefaults(certificate.Configure);
        });
        return builder;
    }

    /// <summary>
    /// Always: loopback, this machine's names and addresses (an IP address cannot be rebound, and phones on the
    /// village network type one); then Exposure:AllowedHosts and the standard AllowedHosts key, where "*" means all.
    /// </summary>
    private static List<string> AllowedHosts(ExposureOptions exposure, IConfiguration configuration)
    {
        var configured = configuration["AllowedHosts"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return MachineNames.All().Select(MachineNames.AsHost)
            .Concat(exposure.AllowedHosts.Select(host => host.Trim()))
            .Concat(configured)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
