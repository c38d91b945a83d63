using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Audit;

/// <summary>
/// The audit log: each kind of action leaves one entry saying who, what, on what, from where and whether it was done;
/// refusals too (wrong passwords, a locked account, a revoked token, a wrong role, a form without its token). Admins
/// alone read it, filtered, as JSON or CSV (quoted, formulas neutralised, with a BOM); nothing edits it.
/// </summary>
public sealed partial class AuditLogTests : IDisposable
{
    private const string Client = "192.0.2.10";
    private const string Password = "mat-khau-cua-lan";
    private const string UiTextMissing = "⟦missing:";
    private static readonly string[] TechnicianOnly = [AccountRoles.Technician];
    private static readonly string[] ViewerOnly = [AccountRoles.Viewer];
    private static readonly string[] Thon1 = ["thon-1"];
    private static readonly string[] Thon2 = ["thon-2"];
    private readonly TemporaryDirectory _data = new();
    private ControllerHost _host;

    public AuditLogTests()
    {
        _host = StartHost();
        var created = _host.Services.GetRequiredService<AccountDirectory>()
            .CreateUserAsync("lan", "Chị Lan", Password, [AccountRoles.Technician, AccountRoles.Viewer]).GetAwaiter().GetResult();
        Assert.NotNull(created.Value);
    }

    private AuditTrail Trail => _host.Services.GetRequiredService<AuditTrail>();

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_sign_in_and_each_kind_of_refusal_is_recorded_with_its_reason_and_the_lockout_once()
    {
        using var browser = Browser();
        (await SignInAsync(browser, "lan", Password)).Dispose();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            (await SignInAsync(browser, "lan", "sai-mat-khau-" + attempt)).Dispose();
        }

        (await SignInAsync(browser, "lan", Password)).Dispose();
        (await SignInAsync(browser, "khong-co-ai", Password)).Dispose();

        var signIns = Entries(AuditActions.SignIn).Reverse().ToList();
        Assert.Equal(8, signIns.Count);
        Assert.All(signIns, entry => Assert.Equal(Client, entry.Source));
        Assert.Equal(("lan", AuditOutcome.Succeeded), (signIns[0].Actor, signIns[0].Outcome));
        Assert.All(signIns.Skip(1), entry => Assert.Equal(AuditOutcome.Refused, entry.Outcome));
        Assert.Equal("wrong password (1 of 5)", signIns[1].Detail);
        Assert.StartsWith("wrong password (5 in a row); locked", signIns[5].Detail, StringComparison.Ordinal);
        Assert.StartsWith("locked until", signIns[6].Detail, StringComparison.Ordinal);
        Assert.Equal(("khong-co-ai", "unknown name"), (signIns[7].Actor, signIns[7].Detail));

        var lockout = Assert.Single(Entries(AuditActions.Lockout));
        Assert.Equal((AuditTrail.SystemActor, "lan", Client), (lockout.Actor, lockout.Target, lockout.Source));
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task A_sign_in_to_a_disabled_account_is_recorded_as_such()
    {
        // No page disables an account yet: the store is changed under a stopped Controller, as an admin's tool would.
        var accounts = _host.Services.GetRequiredService<AccountDirectory>();
        await _host.Services.GetRequiredService<SmartLoudspeaker.Controller.Accounts.Storage.IAccountStore>().SaveAsync(accounts.FindUser("lan")! with { Disabled = true });
        _host.Dispose();
        _host = StartHost();
        using var browser = Browser();
        (await SignInAsync(browser, "lan", Password)).Dispose();

        var refused = Assert.Single(Entries(AuditActions.SignIn));
        Assert.Equal(("lan", AuditOutcome.Refused, "disabled account"), (refused.Actor, refused.Outcome, refused.Detail));
    }

    [Fact]
    public async Task Signing_out_and_ending_a_session_from_the_API_are_recorded()
    {
        using var phone = Browser();
        using var laptop = Browser();
        (await SignInAsync(phone, "lan", Password)).Dispose();
        (await SignInAsync(laptop, "lan", Password)).Dispose();
        var other = (await laptop.GetFromJsonAsync<JsonElement>("/api/account/sessions")).EnumerateArray()
            .Single(session => !session.GetProperty("current").GetBoolean()).GetProperty("id").GetString();
        var page = await laptop.GetStringAsync(new Uri("/", UriKind.Relative));
        using var ending = new HttpRequestMessage(HttpMethod.Delete, $"/api/account/sessions/{other}");
        ending.Headers.Add("RequestVerificationToken", PageToken().Match(page).Groups["token"].Value);
        Assert.Equal(HttpStatusCode.NoContent, (await laptop.SendAsync(ending)).StatusCode);

        page = await laptop.GetStringAsync(new Uri("/", UriKind.Relative));
        using var signedOut = await laptop.PostAsync(new Uri("/signout", UriKind.Relative), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = FormToken().Match(page).Groups["token"].Value }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        var ended = Assert.Single(Entries(AuditActions.SessionEnded));
        Assert.Equal(("lan", AuditOutcome.Succeeded, "session " + other, Client), (ended.Actor, ended.Outcome, ended.Target, ended.Source));
        var signOut = Assert.Single(Entries(AuditActions.SignOut));
        Assert.Equal(("lan", AuditOutcome.Succeeded, "lan"), (signOut.Actor, signOut.Outcome, signOut.Target));
    }

    [Fact]
    public async Task Tokens_made_and_revoked_are_recorded_and_a_revoked_one_used_again_is_recorded_as_refused_with_its_source()
    {
        using var owner = Script(await _host.CreateTokenAsync("tuan", TechnicianOnly));
        using var made = await owner.PostAsJsonAsync("/api/account/tokens", new { name = "Bảng tin", roles = TechnicianOnly, days = 30 });
        var created = await made.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("token").GetProperty("id").GetString()!;
        using var board = Script(created.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await board.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(new Uri($"/api/account/tokens/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await board.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        using var unknown = Script("sl_khong-phai-ma-that");
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknown.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);

        var tokenCreated = Assert.Single(Entries(AuditActions.TokenCreated));
        Assert.StartsWith("tuan (token ", tokenCreated.Actor, StringComparison.Ordinal);
        Assert.Equal((id, AuditOutcome.Succeeded), (tokenCreated.Target, tokenCreated.Outcome));
        Assert.Contains("Bảng tin; roles technician", tokenCreated.Detail, StringComparison.Ordinal);
        Assert.Equal(id, Assert.Single(Entries(AuditActions.TokenRevoked)).Target);

        var refused = Entries(AuditActions.TokenRefused).Reverse().ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, entry => Assert.Equal((AuditTrail.AnonymousActor, AuditOutcome.Refused, Client, "GET /api/nodes"), (entry.Actor, entry.Outcome, entry.Source, entry.Target)));
        Assert.Equal($"token {id} is revoked", refused[0].Detail);
        Assert.Equal("unknown token", refused[1].Detail);
    }

    [Fact]
    public async Task A_request_refused_for_its_role_and_an_API_write_without_sign_in_are_recorded_but_not_an_anonymous_read()
    {
        using var viewer = _host.ClientAs("xem", ViewerOnly, followRedirects: false);
        using var command = await viewer.PostAsJsonAsync("/api/fleet/commands", new { type = "set-heartbeat", body = new { seconds = 3600 } });
        Assert.Equal(HttpStatusCode.Forbidden, command.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(new Uri("/zones", UriKind.Relative))).StatusCode);
        using var anonymous = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/zones", new { id = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);

        var denied = Entries(AuditActions.AccessDenied).Reverse().ToList();
        Assert.Equal(
            [("POST /api/fleet/commands", "role refused (holds viewer)"), ("GET /zones", "role refused (holds viewer)"), ("POST /api/zones", "not signed in")],
            denied.Select(entry => (entry.Target!, entry.Detail!)));
        Assert.StartsWith("xem (token ", denied[0].Actor, StringComparison.Ordinal);
        Assert.Equal((AuditTrail.AnonymousActor, Client), (denied[2].Actor, denied[2].Source));
        Assert.All(denied, entry => Assert.Equal(AuditOutcome.Refused, entry.Outcome));
    }

    [Fact]
    public async Task A_form_or_a_cookie_API_write_without_its_antiforgery_token_and_the_sign_in_rate_limit_are_recorded()
    {
        using var browser = Browser();
        using (var forged = await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["name"] = "lan", ["password"] = Password })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        (await SignInAsync(browser, "lan", Password)).Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsJsonAsync("/api/zones", new { id = "thon-9", name = "Thôn 9" })).StatusCode);
        // The forged form and the sign-in count too: the eleventh attempt of the minute is the one refused.
        for (var attempt = 0; attempt < 9; attempt++)
        {
            (await SignInAsync(browser, "lan", "sai-mat-khau")).Dispose();
        }

        var antiforgery = Entries(AuditActions.AntiforgeryRefused).Reverse().ToList();
        Assert.Equal([(AuditTrail.AnonymousActor, "POST /signin"), ("lan", "POST /api/zones")], antiforgery.Select(entry => (entry.Actor, entry.Target!)));
        var limited = Assert.Single(Entries(AuditActions.SignInRateLimited));
        Assert.Equal((AuditOutcome.Refused, Client), (limited.Outcome, limited.Source));
    }

    [Fact]
    public async Task Users_made_and_passwords_reset_and_changed_are_recorded_with_who_did_it()
    {
        using var made = await _host.Http.PostAsJsonAsync("/api/users", new { name = "hoa", roles = ViewerOnly });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        using var reset = await _host.Http.PostAsync(new Uri("/api/users/hoa/password", UriKind.Relative), null);
        var password = (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString();
        using var hoa = Script(await _host.CreateTokenAsync("hoa", ViewerOnly));
        Assert.Equal(HttpStatusCode.BadRequest, (await hoa.PostAsJsonAsync("/api/account/password", new { current = "sai", @new = "mat-khau-moi-cua-hoa" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await hoa.PostAsJsonAsync("/api/account/password", new { current = password, @new = "mat-khau-moi-cua-hoa" })).StatusCode);

        var user = Assert.Single(Entries(AuditActions.UserCreated));
        Assert.StartsWith(ControllerHost.TestUser + " (token ", user.Actor, StringComparison.Ordinal);
        Assert.Equal(("hoa", "roles viewer", AuditOutcome.Succeeded), (user.Target, user.Detail, user.Outcome));
        Assert.Equal("hoa", Assert.Single(Entries(AuditActions.PasswordReset)).Target);
        var changes = Entries(AuditActions.PasswordChanged).Reverse().ToList();
        Assert.Equal([AuditOutcome.Refused, AuditOutcome.Succeeded], changes.Select(entry => entry.Outcome));
        Assert.All(changes, entry => Assert.StartsWith("hoa (token ", entry.Actor, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_command_issued_or_refused_is_recorded_with_its_target_kind_and_id()
    {
        await using var node = await _host.BornNodeAsync("thon-1-loa-1");
        using var toNode = await _host.Http.PostAsJsonAsync("/api/nodes/thon-1-loa-1/commands", new { type = "identify" });
        Assert.Equal(HttpStatusCode.Accepted, toNode.StatusCode);
        var commandId = (await toNode.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("commandId").GetString();
        Assert.Equal(HttpStatusCode.Accepted, (await _host.Http.PostAsJsonAsync("/api/fleet/commands", new { type = "rebirth" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.PostAsJsonAsync("/api/nodes/nobody-here/commands", new { type = "identify" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Http.PostAsJsonAsync("/api/zones/thon-1/commands", new { type = "no-such-kind" })).StatusCode);

        var commands = Entries(AuditActions.CommandIssued).Reverse().ToList();
        Assert.Equal(
            [("node:thon-1-loa-1", AuditOutcome.Succeeded), ("fleet", AuditOutcome.Succeeded), ("node:nobody-here", AuditOutcome.Refused), ("zone:thon-1", AuditOutcome.Refused)],
            commands.Select(entry => (entry.Target!, entry.Outcome)));
        Assert.Equal($"identify; command {commandId}", commands[0].Detail);
        Assert.StartsWith("rebirth; command ", commands[1].Detail, StringComparison.Ordinal);
        Assert.StartsWith("identify; refused (NoRecipient)", commands[2].Detail, StringComparison.Ordinal);
        Assert.StartsWith("no-such-kind; refused (Invalid)", commands[3].Detail, StringComparison.Ordinal);
        Assert.All(commands, entry => Assert.StartsWith(ControllerHost.TestUser + " (token ", entry.Actor, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enrolment_tokens_identities_and_zones_changed_are_recorded_and_a_token_enrolment_names_the_node()
    {
        await _host.EnrolAsync("thon-1-loa-2");
        using var token = await _host.Http.PostAsJsonAsync("/api/enrolment/tokens", new { zones = Thon1, expires = _host.Clock.GetUtcNow().AddDays(2), maxUses = 5 });
        var tokenId = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("details").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync(new Uri($"/api/enrolment/tokens/{tokenId}/revoke", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PutAsJsonAsync("/api/identities/thon-1-loa-2/zones", new { zones = Thon2 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync(new Uri("/api/identities/thon-1-loa-2/revoke", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.PostAsync(new Uri("/api/identities/nobody-here/revoke", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Http.DeleteAsync(new Uri("/api/identities/thon-1-loa-2", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.PostAsync(new Uri("/api/enrolment/requests/nobody-asked/refuse", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-5", name = "Thôn 5" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PutAsJsonAsync("/api/zones/thon-5", new { name = "Thôn Năm" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Http.DeleteAsync(new Uri("/api/zones/thon-5", UriKind.Relative))).StatusCode);

        var approved = Assert.Single(Entries(AuditActions.EnrolmentApproved));
        Assert.Equal(("node:thon-1-loa-2", "node:thon-1-loa-2"), (approved.Actor, approved.Target));
        Assert.StartsWith("by token ", approved.Detail, StringComparison.Ordinal);
        Assert.Equal(tokenId, Assert.Single(Entries(AuditActions.EnrolmentTokenCreated)).Target);
        Assert.Equal(tokenId, Assert.Single(Entries(AuditActions.EnrolmentTokenRevoked)).Target);
        Assert.Equal("zones thon-2", Assert.Single(Entries(AuditActions.IdentityZonesChanged)).Detail);
        Assert.Equal(
            [("node:thon-1-loa-2", AuditOutcome.Succeeded), ("node:nobody-here", AuditOutcome.Refused)],
            Entries(AuditActions.IdentityRevoked).Reverse().Select(entry => (entry.Target!, entry.Outcome)));
        Assert.Equal("node:thon-1-loa-2", Assert.Single(Entries(AuditActions.IdentityRetired)).Target);
        Assert.Equal(("node:nobody-asked", AuditOutcome.Refused), (Assert.Single(Entries(AuditActions.EnrolmentRefused)) is var refused ? (refused.Target!, refused.Outcome) : default));
        Assert.Equal(
            [(AuditActions.ZoneCreated, "Thôn 5"), (AuditActions.ZoneRenamed, "Thôn Năm"), (AuditActions.ZoneDeleted, "Thôn Năm")],
            Entries("node.zone-").Reverse().Select(entry => (entry.Action, entry.Detail!)));
        Assert.All(Entries("node.zone-"), entry => Assert.Equal("zone:thon-5", entry.Target));
    }

    [Fact]
    public async Task The_API_filters_by_time_actor_action_outcome_and_target_newest_first_in_pages()
    {
        var start = _host.Clock.GetUtcNow();
        await Trail.RecordAsync("lan", Client, AuditActions.SignIn, AuditOutcome.Succeeded, "lan");
        _host.Clock.Advance(TimeSpan.FromDays(8));
        for (var i = 1; i <= 3; i++)
        {
            await Trail.RecordAsync("lan", Client, AuditActions.CommandIssued, AuditOutcome.Succeeded, $"node:thon-{i}-loa-1", "identify");
        }

        await Trail.RecordAsync("tuan", Client, AuditActions.CommandIssued, AuditOutcome.Refused, "zone:thon-2", "identify");
        await Trail.RecordAsync("lan", Client, AuditActions.SignOut, AuditOutcome.Succeeded, "lan");

        // Default: the last 7 days, so the first sign-in is out.
        var page = await ListAsync(string.Empty);
        Assert.Equal([AuditActions.SignOut, AuditActions.CommandIssued, AuditActions.CommandIssued, AuditActions.CommandIssued, AuditActions.CommandIssued],
            Actions(page).Take(5));
        Assert.DoesNotContain(AuditActions.SignIn, Actions(page));
        Assert.Equal([AuditActions.SignIn], Actions(await ListAsync($"?from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(start.AddDays(1).ToString("O"))}")));
        Assert.Equal(4, Actions(await ListAsync("?actor=lan")).Count);
        Assert.Equal(["node:thon-3-loa-1", "node:thon-2-loa-1", "node:thon-1-loa-1"], Targets(await ListAsync("?actor=lan&action=command.")));
        Assert.Equal(["zone:thon-2"], Targets(await ListAsync("?action=command.&outcome=refused")));
        Assert.Equal(["zone:thon-2", "node:thon-2-loa-1"], Targets(await ListAsync("?target=THON-2")));
        Assert.Empty(Targets(await ListAsync("?target=" + Uri.EscapeDataString("x' OR 1=1 %_"))));

        var first = await ListAsync("?action=command.&limit=2");
        Assert.Equal(["zone:thon-2", "node:thon-3-loa-1"], Targets(first));
        var older = first.GetProperty("older").GetString();
        var second = await ListAsync($"?action=command.&limit=2&before={older}");
        Assert.Equal(["node:thon-2-loa-1", "node:thon-1-loa-1"], Targets(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("older").ValueKind);

        foreach (var bad in new[] { "?limit=0", "?limit=1001", "?outcome=maybe", "?from=yesterday", "?action=%25", $"?from={Uri.EscapeDataString(start.AddDays(2).ToString("O"))}&to={Uri.EscapeDataString(start.ToString("O"))}" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await _host.Http.GetAsync(new Uri("/api/audit" + bad, UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task The_CSV_export_has_a_BOM_quotes_fields_RFC_4180_neutralises_formulas_and_is_an_attachment_named_by_date()
    {
        await Trail.RecordAsync("Nguyễn Văn Ánh", Client, AuditActions.UserCreated, AuditOutcome.Succeeded, "=HYPERLINK(\"http://x\")", "roles a, b\r\nsecond line");
        await Trail.RecordAsync("@lan", null, AuditActions.SignIn, AuditOutcome.Refused, "+1", "-2");

        using var response = await _host.Http.GetAsync(new Uri("/api/audit.csv?action=user.", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("audit-20260424-20260501.csv", disposition.FileNameStar ?? disposition.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal("at,actor,action,outcome,target,source,detail,id", lines[0]);
        Assert.StartsWith("2026-05-01T07:00:00+07:00,Nguyễn Văn Ánh,user.created,Succeeded,\"'=HYPERLINK(\"\"http://x\"\")\",192.0.2.10,\"roles a, b", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("second line\",", lines[2], StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines[^1]);

        var all = await _host.Http.GetStringAsync(new Uri("/api/audit.csv?action=account.sign-in", UriKind.Relative));
        Assert.Contains(",'@lan,account.sign-in,Refused,'+1,,'-2,", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_admins_read_the_log_by_API_or_page_and_nothing_edits_or_deletes_it()
    {
        await Trail.RecordAsync("lan", Client, AuditActions.SignIn, AuditOutcome.Succeeded, "lan");
        using var technician = _host.ClientAs("ky-thuat", [AccountRoles.Technician, AccountRoles.Viewer, AccountRoles.Broadcaster, AccountRoles.Approver, AccountRoles.Emergency], followRedirects: false);
        foreach (var path in new[] { "/api/audit", "/api/audit.csv", "/audit" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await technician.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }

        using var admin = _host.ClientAs("quan-tri", [AccountRoles.Admin]);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/audit", UriKind.Relative))).StatusCode);
        var page = await admin.GetStringAsync(new Uri("/audit?actor=lan", UriKind.Relative));
        Assert.Contains("account.sign-in", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/api/audit.csv?actor=lan\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(UiTextMissing, page, StringComparison.Ordinal);
        foreach (var method in new[] { HttpMethod.Delete, HttpMethod.Put, HttpMethod.Post, HttpMethod.Patch })
        {
            using var request = new HttpRequestMessage(method, "/api/audit");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.SendAsync(request)).StatusCode);
        }
    }

    private IReadOnlyList<AuditEntry> Entries(string action) =>
        [.. Trail.Find(new AuditFilter(_host.Clock.GetUtcNow().AddDays(-30), _host.Clock.GetUtcNow().AddDays(1), Action: action, Limit: AuditFilter.MaxLimit))];

    private async Task<JsonElement> ListAsync(string query) => await _host.Http.GetFromJsonAsync<JsonElement>("/api/audit" + query);

    private static List<string> Actions(JsonElement page) => [.. page.GetProperty("entries").EnumerateArray().Select(entry => entry.GetProperty("action").GetString()!)];

    private static List<string> Targets(JsonElement page) => [.. page.GetProperty("entries").EnumerateArray().Select(entry => entry.GetProperty("target").GetString()!)];

    private ControllerHost StartHost() => ControllerHost.Start(
        _data.Path,
        settings: new Dictionary<string, string?> { ["Security:GenerateDemoKeys"] = "true" },
        services: services => services.AddSingleton<IStartupFilter, ClientAddress>());

    private HttpClient Browser() => _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private HttpClient Script(string token)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

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

    [GeneratedRegex(@"name=""request-verification-token"" content=""(?<token>[^""]+)""")]
    private static partial Regex PageToken();

    /// <summary>The test server has no client address of its own: every request here comes from <see cref="Client"/>.</summary>
    private sealed class ClientAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(Client);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
