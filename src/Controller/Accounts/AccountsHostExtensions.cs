using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SmartLoudspeaker.Controller.Accounts.Authentication;
using SmartLoudspeaker.Controller.Accounts.Storage;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// Composition of accounts: the store's collections, the directory, the two authentication schemes (session cookie,
/// API token), the role policies, the sign-in rate limit and body limit, and the antiforgery check of a page's own
/// calls to the API (docs/security.md, "Accounts and roles").
/// </summary>
internal static class AccountsHostExtensions
{
    private const string SignInRateLimiterPartition = "sign-in";

    public static WebApplicationBuilder AddControllerAccounts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AccountsOptions>().Bind(builder.Configuration.GetSection(AccountsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccountsOptions>, AccountsOptionsValidator>();
        services.AddSingleton<IStoreSchema, AccountsSchema>();
        services.AddSingleton<IAccountStore, AccountRepository>();
        services.AddSingleton<AccountDirectory>();

        services.AddAuthentication(AccountSchemes.Default)
            .AddPolicyScheme(AccountSchemes.Default, AccountSchemes.Default, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers[HeaderNames.Authorization].ToString().StartsWith(TokenAuthenticationHandler.BearerPrefix, StringComparison.OrdinalIgnoreCase)
                    ? AccountSchemes.Token
                    : AccountSchemes.Session)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(AccountSchemes.Session, null)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(AccountSchemes.Token, null);

        // Whatever names no policy still needs someone signed in: a forgotten endpoint is closed, not open.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AccountPolicies.Technician, policy => policy.RequireRole(AccountRoles.Technician))
            .AddPolicy(AccountPolicies.FleetRead, policy => policy.RequireRole(AccountRoles.Technician, AccountRoles.Viewer))
            .AddPolicy(AccountPolicies.Admin, policy => policy.RequireRole(AccountRoles.Admin));

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AccountsOptions>>((limiter, accounts) =>
        {
            var window = accounts.Value.SignInWindow;
            var permits = accounts.Value.SignInAttemptsPerWindow;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignIn(context.Request)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(SignInRateLimiterPartition));
            limiter.OnRejected = async (rejected, _) =>
            {
                rejected.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccountsHostExtensions))
                    .LogWarning("Sign-in rate limit reached by {Client}", rejected.HttpContext.Connection.RemoteIpAddress);
                await rejected.HttpContext.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(
                    rejected.HttpContext, AuditActions.SignInRateLimited, AuditOutcome.Refused, detail: $"more than {permits} attempts in {window}");
            };
        });
        return builder;
    }

    /// <summary>
    /// The accounts' middleware, after static files and before the endpoints: sign-in rate limit, sign-in body limit,
    /// authentication, the antiforgery check of cookie-authenticated API writes, authorization.
    /// </summary>
    public static WebApplication UseControllerAccounts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var maxBody = app.Services.GetRequiredService<IOptions<AccountsOptions>>().Value.SignInMaxBodyBytes;
        app.UseRateLimiter();

        // After the rate limit, so an oversized sign-in counts as an attempt and a loop of them cannot flood the audit log.
        app.Use(async (context, next) =>
        {
            if (IsSignIn(context.Request))
            {
                // A sign-in form is a few hundred bytes and browsers always say how long it is: anything longer, or of
                // unknown length, is refused before a byte of it is read.
                if (context.Request.ContentLength is not { } length || length > maxBody)
                {
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    await context.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(context, AuditActions.SignIn, AuditOutcome.Refused,
                        detail: context.Request.ContentLength is { } size ? $"a body of {size} bytes (at most {maxBody})" : "a body of unknown length");
                    return;
                }

                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = maxBody;
                }
            }

            await next(context);
        });
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            // A page's own fetch() to the API carries the session cookie, as a forged request from another page of the
            // same site would: cookie-authenticated writes need the antiforgery token too, in the
            // RequestVerificationToken header (the layout puts it in a meta tag). Tokens are never sent by a browser
            // on its own, so scripts need none.
            if (IsWrite(context.Request) && context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
                && context.User.Identity?.AuthenticationType == AccountSchemes.Session
                && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
            {
                app.Logger.LogWarning("Refused {Method} {Path} from {User}: cookie-authenticated API write without its antiforgery token",
                    context.Request.Method, context.Request.Path, context.User.Identity.Name);
                await context.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(
                    context, AuditActions.AntiforgeryRefused, AuditOutcome.Refused, $"{context.Request.Method} {AuditTrail.Typed(context.Request.Path)}", "no valid antiforgery token");
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            await next(context);
        });
        app.UseAuthorization();
        return app;
    }

    private static bool IsSignIn(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(SessionAuthenticationHandler.SignInPath, StringComparison.OrdinalIgnoreCase);

    private static bool IsWrite(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method));
}
