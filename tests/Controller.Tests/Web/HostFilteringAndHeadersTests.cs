using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Controller.Web.Exposure;

namespace SmartLoudspeaker.Controller.Tests.Web;

/// <summary>
/// A request that names a foreign host is refused before anything runs (DNS rebinding), and every response, refusals
/// included, carries the security headers.
/// </summary>
public sealed class HostFilteringAndHeadersTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public HostFilteringAndHeadersTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    [Fact]
    public async Task A_foreign_host_is_refused_for_an_api_write_and_a_page_and_nothing_changes()
    {
        var token = await _host.CreateTokenAsync(ControllerHost.TestUser, AccountRoles.All);
        using var rebound = _host.CreateDefaultClient(new Uri("http://evil.example"), new BearerTokenHandler(token));

        using var write = await rebound.PostAsJsonAsync("/api/users", new { name = "mallory", roles = new[] { AccountRoles.Admin } });
        using var page = await rebound.GetAsync(new Uri("/", UriKind.Relative));
        using var again = await rebound.GetAsync(new Uri("/api/nodes", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Null(_host.Services.GetRequiredService<AccountDirectory>().FindUser("mallory"));
        AssertSecurityHeaders(page);

        // The same write, as the same person, named by an allowed host, goes through.
        using var allowed = await _host.Http.PostAsJsonAsync("/api/users", new { name = "mallory", roles = new[] { AccountRoles.Viewer } });
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);

        // Three refusals of one host: one warning.
        var refusals = _host.Logs.Lines.Where(line => line.Category == typeof(HostRefusalLog).FullName).ToList();
        var refusal = Assert.Single(refusals);
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Contains("evil.example", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task Loopback_names_are_allowed(string host)
    {
        var token = await _host.CreateTokenAsync(ControllerHost.TestUser, AccountRoles.All);
        using var client = _host.CreateDefaultClient(new Uri($"http://{host}"), new BearerTokenHandler(token));
        using var response = await client.GetAsync(new Uri("/api/nodes", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task This_machines_host_name_is_allowed()
    {
        var token = await _host.CreateTokenAsync(ControllerHost.TestUser, AccountRoles.All);
        using var client = _host.CreateDefaultClient(new Uri($"http://{Dns.GetHostName().ToLowerInvariant()}:5080"), new BearerTokenHandler(token));
        using var response = await client.GetAsync(new Uri("/api/nodes", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_configured_host_is_allowed_and_others_still_refused()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path, settings: new Dictionary<string, string?>
        {
            ["Exposure:AllowedHosts:0"] = "loa.xa-an-binh.example",
            ["AllowedHosts"] = "*.tinh.example",
        });
        using var configured = host.CreateDefaultClient(new Uri("http://loa.xa-an-binh.example"));
        using var standard = host.CreateDefaultClient(new Uri("http://xa.tinh.example"));
        using var foreign = host.CreateDefaultClient(new Uri("http://loa.xa-an-binh.example.evil.example"));

        Assert.Equal(HttpStatusCode.OK, (await configured.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await standard.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await foreign.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/api/nodes", HttpStatusCode.OK)]
    [InlineData("/api/nodes/khong-co", HttpStatusCode.NotFound)]
    [InlineData("/no/such/page", HttpStatusCode.NotFound)]
    [InlineData("/css/site.css", HttpStatusCode.OK)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/error/500", HttpStatusCode.InternalServerError)]
    public async Task Every_response_carries_the_security_headers(string path, HttpStatusCode status)
    {
        using var response = await _host.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(status, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/api/nodes", HttpStatusCode.Unauthorized)]
    [InlineData("/", HttpStatusCode.Redirect)]
    [InlineData("/signin", HttpStatusCode.OK)]
    public async Task Answers_to_someone_not_signed_in_carry_them_too(string path, HttpStatusCode status)
    {
        using var anonymous = _host.CreateDefaultClient(new Uri("http://localhost"));
        using var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(status, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task A_forbidden_answer_and_the_event_stream_carry_them()
    {
        using var viewer = _host.ClientAs("viewer-1", [AccountRoles.Viewer]);
        using var forbidden = await viewer.GetAsync(new Uri("/api/identities", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        AssertSecurityHeaders(forbidden);

        using var stream = await _host.Http.GetAsync(new Uri("/events/fleet", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(stream);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    /// <summary>The headers of docs/security.md, "Exposure"; over plain HTTP no HSTS (a browser would ignore it, and loopback stays HTTP).</summary>
    internal static void AssertSecurityHeaders(HttpResponseMessage response, bool https = false)
    {
        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' blob:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
            Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("microphone=(self), camera=(), geolocation=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")));
        if (https)
        {
            Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        }
        else
        {
            Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        }
    }
}
