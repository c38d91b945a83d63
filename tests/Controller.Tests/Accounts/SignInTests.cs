using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Accounts;

/// <summary>
/// People signing in on the sign-in page: the session cookie's settings, lockout after repeated failures, the rate limit
/// per client address, oversized bodies, sessions listed and ended, sign-out, and the antiforgery token that a
/// cookie-authenticated write to the API needs.
/// </summary>
public sealed partial class SignInTests : IDisposable
{
    private const string Password = "mat-khau-cua-lan";
    private readonly TemporaryDirectory _data = new();
    private ControllerHost? _host;

    public void Dispose()
    {
        _host?.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task The_right_password_signs_in_with_an_HttpOnly_SameSite_Strict_cookie_that_the_API_and_pages_accept()
    {
        var host = await StartWithUserAsync();
        using var browser = Browser(host);
        using var signedIn = await SignInAsync(browser, "lan", Password, returnUrl: "/zones");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/zones", signedIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), value => value.StartsWith("sl_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);

        var account = await browser.GetFromJsonAsync<JsonElement>("/api/account");
        Assert.Equal(("lan", "session"), (account.GetProperty("name").GetString(), account.GetProperty("via").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/zones", UriKind.Relative))).StatusCode);
        host.AssertNoErrors();
    }

    [Fact]
    public async Task Over_HTTPS_the_cookie_is_Secure_and_a_sign_in_link_never_leads_off_the_site()
    {
        var host = await StartWithUserAsync();
        using var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        using var signedIn = await SignInAsync(browser, "lan", Password, returnUrl: "https://attacker.example/");

        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        Assert.Contains("secure", Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), value => value.StartsWith("sl_session=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes_even_against_the_right_one()
    {
        var host = await StartWithUserAsync();
        using var browser = Browser(host);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await SignInAsync(browser, "lan", "sai-mat-khau-" + attempt);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("signin-problem", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var locked = await SignInAsync(browser, "lan", Password))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
            Assert.False(locked.Headers.Contains("Set-Cookie") && locked.Headers.GetValues("Set-Cookie").Any(value => value.StartsWith("sl_session=", StringComparison.Ordinal)));
        }

        // The refusal reads the same for an unknown name: the page tells no one which names exist.
        using (var unknown = await SignInAsync(browser, "khong-co-ai", Password))
        {
            Assert.Contains("signin-problem", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        host.Clock.Advance(TimeSpan.FromMinutes(14));
        using (var stillLocked = await SignInAsync(browser, "lan", Password))
        {
            Assert.Equal(HttpStatusCode.OK, stillLocked.StatusCode);
        }

        host.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var open = await SignInAsync(browser, "lan", Password);
        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        Assert.Contains(host.Logs.Lines, line => line.Message.Contains("locked until", StringComparison.Ordinal));
        host.AssertNoErrors();
    }

    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_per_client_address_are_refused_with_429()
    {
        var host = await StartWithUserAsync(new Dictionary<string, string?> { ["Accounts:SignInAttemptsPerWindow"] = "3", ["Accounts:SignInWindow"] = "00:10:00" });
        using var browser = Browser(host);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var allowed = await SignInAsync(browser, "lan", "sai-mat-khau");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await SignInAsync(browser, "lan", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        // The page itself and everything else stay reachable.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/signin", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_oversized_or_unsized_sign_in_body_is_refused_before_it_is_read()
    {
        var host = await StartWithUserAsync();
        using var browser = Browser(host);
        using var huge = await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["name"] = "lan", ["password"] = new string('x', 5000) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        using var unsized = new StreamContent(new MemoryStream("name=lan&password=x"u8.ToArray()));
        unsized.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/signin") { Content = unsized };
        request.Headers.TransferEncodingChunked = true;
        using var chunked = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);

        var refused = host.Services.GetRequiredService<AuditTrail>().Between(DateTimeOffset.MinValue, DateTimeOffset.MaxValue)
            .Where(entry => entry is { Action: AuditActions.SignIn, Outcome: AuditOutcome.Refused }).Select(entry => entry.Detail).ToList();
        Assert.Equal(2, refused.Count);
        Assert.Contains("a body of unknown length", refused);
        Assert.Contains(refused, detail => detail!.StartsWith("a body of ", StringComparison.Ordinal) && detail.EndsWith("bytes (at most 4096)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_form_without_its_antiforgery_token_signs_no_one_in()
    {
        var host = await StartWithUserAsync();
        using var browser = Browser(host);
        using var forged = await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["name"] = "lan", ["password"] = Password }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(forged.Headers.Contains("Set-Cookie") && forged.Headers.GetValues("Set-Cookie").Any(value => value.StartsWith("sl_session=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sessions_are_listed_and_one_ended_from_another_stops_at_once_and_API_writes_need_the_antiforgery_header()
    {
        var host = await StartWithUserAsync();
        using var phone = Browser(host);
        using var laptop = Browser(host);
        (await SignInAsync(phone, "lan", Password)).Dispose();
        (await SignInAsync(laptop, "lan", Password)).Dispose();

        var sessions = (await laptop.GetFromJsonAsync<JsonElement>("/api/account/sessions")).EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        var other = Assert.Single(sessions, session => !session.GetProperty("current").GetBoolean()).GetProperty("id").GetString();

        // The session cookie alone is what a forged request from another page would carry: refused.
        using (var forged = await laptop.DeleteAsync(new Uri($"/api/account/sessions/{other}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);

        // The page's own call sends the token the layout gives it.
        var page = await laptop.GetStringAsync(new Uri("/", UriKind.Relative));
        using var ending = new HttpRequestMessage(HttpMethod.Delete, $"/api/account/sessions/{other}");
        ending.Headers.Add("RequestVerificationToken", PageToken().Match(page).Groups["token"].Value);
        using (var ended = await laptop.SendAsync(ending))
        {
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        using (var toSignIn = await phone.GetAsync(new Uri("/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
            Assert.Equal("/signin?returnUrl=%2F", toSignIn.Headers.Location?.OriginalString);
        }

        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        host.AssertNoErrors();
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_an_idle_session_expires()
    {
        var host = await StartWithUserAsync(new Dictionary<string, string?> { ["Accounts:SessionIdleTimeout"] = "00:30:00" });
        using var browser = Browser(host);
        (await SignInAsync(browser, "lan", Password)).Dispose();
        var page = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        using (var signedOut = await browser.PostAsync(new Uri("/signout", UriKind.Relative), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = FormToken().Match(page).Groups["token"].Value })))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        Assert.Empty(host.Services.GetRequiredService<AccountDirectory>().SessionsOf("lan"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);

        (await SignInAsync(browser, "lan", Password)).Dispose();
        host.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        host.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        host.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_session_survives_a_restart_of_the_Controller()
    {
        var host = await StartWithUserAsync();
        using var browser = Browser(host);
        string secret;
        using (var signedIn = await SignInAsync(browser, "lan", Password))
        {
            var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), value => value.StartsWith("sl_session=", StringComparison.Ordinal));
            secret = cookie["sl_session=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];
        }

        host.Dispose();
        _host = ControllerHost.Start(_data.Path);
        using var again = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/account");
        request.Headers.Add("Cookie", "sl_session=" + secret);
        using var response = await again.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<ControllerHost> StartWithUserAsync(IDictionary<string, string?>? settings = null)
    {
        _host = ControllerHost.Start(_data.Path, settings: settings);
        var created = await _host.Services.GetRequiredService<AccountDirectory>().CreateUserAsync("lan", "Chị Lan", Password, [AccountRoles.Technician, AccountRoles.Viewer]);
        Assert.NotNull(created.Value);
        return _host;
    }

    private static HttpClient Browser(ControllerHost host) => host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string name, string password, string? returnUrl = null)
    {
        var page = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var response = await browser.PostAsync(
            new Uri("/signin" + (returnUrl is null ? string.Empty : "?returnUrl=" + Uri.EscapeDataString(returnUrl)), UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = name,
                ["password"] = password,
                ["__RequestVerificationToken"] = FormToken().Match(page).Groups["token"].Value,
            }));
        return response;
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""(?<token>[^""]+)""")]
    private static partial Regex FormToken();

    [GeneratedRegex(@"name=""request-verification-token"" content=""(?<token>[^""]+)""")]
    private static partial Regex PageToken();
}
