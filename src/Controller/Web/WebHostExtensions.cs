using System.Globalization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Web.Live;
using SmartLoudspeaker.Controller.Web.Localization;

namespace SmartLoudspeaker.Controller.Web;

/// <summary>
/// Composition of the web UI every job shares: Razor Pages (each job's in its own folder), the layout, languages,
/// compression, the live change feed, the error pages and the language switch.
/// </summary>
public static class WebHostExtensions
{
    /// <summary>Registers the web UI's services, with options bound from "Web".</summary>
    public static WebApplicationBuilder AddSmartLoudspeakerWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WebOptions>().Bind(builder.Configuration.GetSection(WebOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        services.AddSingleton<CommuneClock>();
        services.AddSingleton<FleetChangeFeed>();

        // The request's culture is set by the localization middleware before any page asks for its strings.
        services.AddScoped(_ => UiText.For(CultureInfo.CurrentCulture));

        // Pages live with their job (Fleet/Pages, …) and the shared ones in Web/Pages, so the pages' root is the
        // project's; every page states its URL with an absolute @page route, whatever its folder.
        // Each job's pages take its role policy by folder, as its API takes it by route group
        // (Fleet.TechnicianEndpoints); the fleet overview is also a viewer's. The sign-in page and the error pages are
        // open to all; any other page needs someone signed in (the fallback policy).
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/";
            options.Conventions.AuthorizePage("/Fleet/Pages/Index", AccountPolicies.FleetRead);
            options.Conventions.AuthorizeFolder("/Fleet/Pages/Nodes", AccountPolicies.Technician);
            options.Conventions.AuthorizeFolder("/Zones/Pages", AccountPolicies.Technician);
            options.Conventions.AuthorizeFolder("/Identity/Pages", AccountPolicies.Technician);
            options.Conventions.AuthorizeFolder("/Infrastructure/Broker/Pages", AccountPolicies.Technician);
            options.Conventions.AuthorizeFolder("/Audit/Pages", AccountPolicies.Admin);
            options.Conventions.AuthorizeFolder("/Commune/Pages", AccountPolicies.Admin);
            options.Conventions.AllowAnonymousToPage("/Accounts/Pages/SignIn");
            options.Conventions.AllowAnonymousToFolder("/Web/Pages");
        });

        // Razor would otherwise write every Vietnamese letter as an entity (&#x1EBF; for "ế"): three times the bytes.
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

        services.AddResponseCompression(options =>
        {
            // The pages carry no secret next to text an attacker controls, so compressing over HTTPS (BREACH) is safe.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["image/svg+xml"]);
        });

        // Fastest: HTML is compressed per request on a two-core machine; the ratio lost is small at these sizes.
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        return builder;
    }

    /// <summary>
    /// Sets up languages, compression, static files, the friendly error pages and the accounts' middleware
    /// (authentication, authorization), and maps the pages and the language switch. A job's own endpoints are mapped on its group (<see cref="Fleet.TechnicianEndpoints"/>).
    /// </summary>
    public static WebApplication MapSmartLoudspeakerWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // text/event-stream is not in the compressed types: a compressor would hold events back until its buffer fills.
        app.UseResponseCompression();
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(UiCultures.Vietnamese),
            SupportedCultures = [.. UiCultures.All],
            SupportedUICultures = [.. UiCultures.All],

            // Only the user's own choice: the browser's Accept-Language would turn a phone set to English into an
            // English UI, while Vietnamese is the default the commune expects.
            RequestCultureProviders = [new CookieRequestCultureProvider()],
        });

        // People get pages in their language instead of stack traces or blank 404s; machines (API, metrics, the
        // event stream) keep their own error shapes: the error page answers them with problem details, and their
        // empty error statuses are left alone. Both handlers sit on the main pipeline, not in a UseWhen branch,
        // because only there do they route the re-executed request again.
        app.UseExceptionHandler("/error/500");
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.Use((context, next) =>
        {
            if (!PeopleRequests.Are(context.Request) && context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
            {
                statusCodePages.Enabled = false;
            }

            return next(context);
        });

        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                // Links carry a content hash (?v=…), so a cached copy is never stale: no revalidation on 4G.
                if (context.Context.Request.Query.ContainsKey("v"))
                {
                    context.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                }
            },
        });

        app.UseControllerAccounts();
        app.MapRazorPages();
        LanguageEndpoints.Map(app);
        return app;
    }
}
