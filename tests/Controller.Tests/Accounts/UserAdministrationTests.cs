using System.Net;
using System.Net.Http.Headers;
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
/// An admin's changes to other people's accounts through <c>/api/users</c>: roles (a token loses those its owner no
/// longer holds), disable and enable (sessions end at once, tokens and sign-in refused), the guard that keeps one active
/// admin and one's own account, and the audit entries each writes.
/// </summary>
public sealed partial class UserAdministrationTests : IDisposable
{
    private const string Password = "mat-khau-cua-lan";
    private static readonly string[] TechnicianAndViewer = [AccountRoles.Technician, AccountRoles.Viewer];
    private static readonly string[] ViewerOnly = [AccountRoles.Viewer];
    private static readonly string[] TechnicianOnly = [AccountRoles.Technician];
    private static readonly string[] NotARole = ["mayor"];
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public UserAdministrationTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    private AccountDirectory Accounts => _host.Services.GetRequiredService<AccountDirectory>();

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Roles_are_changed_by_an_admin_and_a_token_of_the_account_loses_the_roles_its_owner_lost_at_once()
    {
        await CreateLanAsync();
        using var script = Script(await _host.CreateTokenAsync("lan", TechnicianAndViewer));
        Assert.Equal(TechnicianAndViewer, await RolesOfAsync(script));

        using (var changed = await _host.Http.PutAsJsonAsync("/api/users/lan/roles", new { roles = ViewerOnly }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.Equal(ViewerOnly, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("roles").EnumerateArray().Select(role => role.GetString()!));
        }

        // The token was made with technician and viewer; its owner holds only viewer now, and so does the token.
        Assert.Equal(ViewerOnly, await RolesOfAsync(script));
        using (var command = await script.PostAsJsonAsync("/api/fleet/commands", new { type = "set-heartbeat", body = new { seconds = 3600 } }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, command.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);

        // Given back, the role is the token's again: it was never more than limited by its owner's.
        (await _host.Http.PutAsJsonAsync("/api/users/lan/roles", new { roles = TechnicianAndViewer })).Dispose();
        Assert.Equal(TechnicianAndViewer, await RolesOfAsync(script));

        using (var unknownRole = await _host.Http.PutAsJsonAsync("/api/users/lan/roles", new { roles = NotARole }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        }

        using (var nobody = await _host.Http.PutAsJsonAsync("/api/users/khong-co-ai/roles", new { roles = ViewerOnly }))
        {
            Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        }

        var entries = Audit(AuditActions.UserRolesChanged);
        Assert.Contains(entries, entry => entry is { Outcome: AuditOutcome.Succeeded, Target: "lan", Detail: "technician, viewer → viewer" }
            && entry.Actor.StartsWith(ControllerHost.TestUser + " (token ", StringComparison.Ordinal));
        Assert.Contains(entries, entry => entry is { Outcome: AuditOutcome.Succeeded, Detail: "viewer → technician, viewer" });
        Assert.Contains(entries, entry => entry is { Outcome: AuditOutcome.Refused, Target: "lan" } && entry.Detail!.Contains("mayor", StringComparison.Ordinal));
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task A_disabled_account_loses_its_sessions_at_once_its_tokens_and_sign_in_are_refused_until_it_is_enabled()
    {
        await CreateLanAsync();
        using var browser = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, "lan", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        using var script = Script(await _host.CreateTokenAsync("lan", TechnicianAndViewer));

        using (var disabled = await _host.Http.PostAsync(new Uri("/api/users/lan/disable", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            Assert.True((await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean());
        }

        Assert.Empty(Accounts.SessionsOf("lan"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        using (var refused = await SignInAsync(browser, "lan", Password))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("signin-problem", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var enabled = await _host.Http.PostAsync(new Uri("/api/users/lan/enable", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, "lan", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.PostAsync(new Uri("/api/users/khong-co-ai/disable", UriKind.Relative), null)).StatusCode);

        Assert.Contains(Audit(AuditActions.UserDisabled), entry => entry is { Outcome: AuditOutcome.Succeeded, Target: "lan" });
        Assert.Contains(Audit(AuditActions.UserEnabled), entry => entry is { Outcome: AuditOutcome.Succeeded, Target: "lan" });
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task The_last_active_admin_keeps_the_admin_role_and_no_admin_disables_their_own_account()
    {
        using (var self = await _host.Http.PostAsync(new Uri($"/api/users/{ControllerHost.TestUser}/disable", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
            Assert.Contains("own account", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var last = await _host.Http.PutAsJsonAsync($"/api/users/{ControllerHost.TestUser}/roles", new { roles = TechnicianOnly }))
        {
            Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
            Assert.Contains("last active admin", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains(AccountRoles.Admin, Accounts.FindUser(ControllerHost.TestUser)!.Roles);

        // A disabled admin does not count: with only a disabled second admin, the guard still holds.
        using var minh = Script(await _host.CreateTokenAsync("minh", [AccountRoles.Admin]));
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync(new Uri("/api/users/minh/disable", UriKind.Relative), null)).StatusCode);
        using (var stillLast = await _host.Http.PutAsJsonAsync($"/api/users/{ControllerHost.TestUser}/roles", new { roles = TechnicianOnly }))
        {
            Assert.Equal(HttpStatusCode.Conflict, stillLast.StatusCode);
        }

        // With another active admin, the role may go.
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync(new Uri("/api/users/minh/enable", UriKind.Relative), null)).StatusCode);
        using (var handedOver = await _host.Http.PutAsJsonAsync($"/api/users/{ControllerHost.TestUser}/roles", new { roles = TechnicianOnly }))
        {
            Assert.Equal(HttpStatusCode.OK, handedOver.StatusCode);
        }

        // Now minh is the last admin: minh's own admin role stays, and test-admin may no longer change accounts at all.
        using (var minhLast = await minh.PutAsJsonAsync("/api/users/minh/roles", new { roles = ViewerOnly }))
        {
            Assert.Equal(HttpStatusCode.Conflict, minhLast.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await _host.Http.PostAsync(new Uri("/api/users/minh/disable", UriKind.Relative), null)).StatusCode);
        Assert.Contains(Audit(AuditActions.UserDisabled), entry => entry is { Outcome: AuditOutcome.Refused } && entry.Target == ControllerHost.TestUser);
        Assert.Contains(Audit(AuditActions.UserRolesChanged), entry => entry is { Outcome: AuditOutcome.Refused } && entry.Detail!.Contains("last active admin", StringComparison.Ordinal));
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task Only_admins_change_roles_or_disable_accounts()
    {
        await CreateLanAsync();
        using var technician = Script(await _host.CreateTokenAsync("lan", TechnicianAndViewer));
        using var roles = await technician.PutAsJsonAsync("/api/users/lan/roles", new { roles = AccountRoles.All });
        Assert.Equal(HttpStatusCode.Forbidden, roles.StatusCode);
        using var disable = await technician.PostAsync(new Uri($"/api/users/{ControllerHost.TestUser}/disable", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, disable.StatusCode);
        Assert.Equal(TechnicianAndViewer, Accounts.FindUser("lan")!.Roles);
        Assert.False(Accounts.FindUser(ControllerHost.TestUser)!.Disabled);
    }

    private async Task CreateLanAsync()
    {
        var created = await Accounts.CreateUserAsync("lan", "Chị Lan", Password, TechnicianAndViewer);
        Assert.NotNull(created.Value);
    }

    private List<AuditEntry> Audit(string action) =>
        [.. _host.Services.GetRequiredService<AuditTrail>().Between(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Where(entry => entry.Action == action)];

    private static async Task<string[]> RolesOfAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/account")).GetProperty("roles").EnumerateArray().Select(role => role.GetString()!)];

    private HttpClient Script(string token)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private HttpClient Browser() => _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string name, string password)
    {
        var page = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative));
        return await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = name,
            ["password"] = password,
            ["__RequestVerificationToken"] = FormToken().Match(page).Groups["token"].Value,
        }));
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""(?<token>[^""]+)""")]
    private static partial Regex FormToken();
}
