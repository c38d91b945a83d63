using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Accounts;

/// <summary>
/// The pages <c>/account</c> (everyone's own) and <c>/users</c> (admins) by HTTP: their plain forms do what they say
/// only with the antiforgery token, refuse bad input with a sentence in the person's language, and show a new secret
/// once; a viewer cannot open the users page.
/// </summary>
public sealed partial class AccountPagesTests : IDisposable
{
    private const string Password = "mat-khau-cua-lan";
    private static readonly string[] TechnicianAndViewer = [AccountRoles.Technician, AccountRoles.Viewer];
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public AccountPagesTests()
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
    public async Task A_form_post_without_its_antiforgery_token_is_refused_with_400_and_changes_nothing()
    {
        await CreateLanAsync();
        using var phone = Browser();
        await SignInAsync(phone, "lan", Password);
        using (var forged = await phone.PostAsync(new Uri("/account?handler=password", UriKind.Relative), Form(("current", Password), ("password", "mat-khau-moi-123"), ("confirm", "mat-khau-moi-123"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.True(Accounts.CheckPassword("lan", Password));
        using (var forgedUser = await _host.Http.PostAsync(new Uri("/users?handler=create", UriKind.Relative), Form(("name", "ke-gian"), ("role", "admin"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedUser.StatusCode);
        }

        Assert.Null(Accounts.FindUser("ke-gian"));
        using (var forgedDisable = await _host.Http.PostAsync(new Uri("/users?handler=disable&name=lan", UriKind.Relative), Form()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedDisable.StatusCode);
        }

        Assert.False(Accounts.FindUser("lan")!.Disabled);
    }

    [Fact]
    public async Task A_viewer_may_open_their_account_page_but_gets_403_on_the_users_page_and_sees_no_link_to_it()
    {
        using var viewer = _host.ClientAs("xem", [AccountRoles.Viewer], followRedirects: false);
        using (var users = await viewer.GetAsync(new Uri("/users", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
        }

        using var account = await viewer.GetAsync(new Uri("/account", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        var page = await account.Content.ReadAsStringAsync();
        Assert.Contains(@"href=""/account""", page, StringComparison.Ordinal);
        Assert.DoesNotContain(@"href=""/users""", page, StringComparison.Ordinal);
        Assert.Contains(@"href=""/users""", await _host.Http.GetStringAsync(new Uri("/account", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task My_password_is_changed_with_the_current_one_and_the_new_one_twice_and_my_other_sessions_end_but_not_this_one()
    {
        await CreateLanAsync();
        using var phone = Browser();
        using var laptop = Browser();
        await SignInAsync(phone, "lan", Password);
        await SignInAsync(laptop, "lan", Password);
        var page = await phone.GetStringAsync(new Uri("/account", UriKind.Relative));
        Assert.Contains("<code>lan</code>", page, StringComparison.Ordinal);
        Assert.Contains("kỹ thuật viên, người xem", page, StringComparison.Ordinal);
        Assert.Equal(2, SessionCards().Count(page));
        Assert.Contains(@"data-current=""true""", page, StringComparison.Ordinal);
        var token = FormToken().Match(page).Groups["token"].Value;

        using (var wrong = await phone.PostAsync(new Uri("/account?handler=password", UriKind.Relative), Form(("current", "sai"), ("password", "mat-khau-moi-123"), ("confirm", "mat-khau-moi-123"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("Mật khẩu hiện tại không đúng.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var differ = await phone.PostAsync(new Uri("/account?handler=password", UriKind.Relative), Form(("current", Password), ("password", "mat-khau-moi-123"), ("confirm", "mat-khau-moi-124"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, differ.StatusCode);
            Assert.Contains("Hai lần nhập mật khẩu mới không giống nhau.", await differ.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var tooShort = await phone.PostAsync(new Uri("/account?handler=password", UriKind.Relative), Form(("current", Password), ("password", "ngan"), ("confirm", "ngan"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
            Assert.Contains("Mật khẩu phải có ít nhất 10 ký tự.", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(Accounts.CheckPassword("lan", Password));
        using (var changed = await phone.PostAsync(new Uri("/account?handler=password", UriKind.Relative), Form(("current", Password), ("password", "mat-khau-moi-123"), ("confirm", "mat-khau-moi-123"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
            Assert.Equal("/account?done=password", changed.Headers.Location?.OriginalString);
        }

        Assert.True(Accounts.CheckPassword("lan", "mat-khau-moi-123"));
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        Assert.Single(Accounts.SessionsOf("lan"));
        Assert.Contains(_host.Services.GetRequiredService<AuditTrail>().Between(DateTimeOffset.MinValue, DateTimeOffset.MaxValue),
            entry => entry is { Action: AuditActions.PasswordChanged, Outcome: AuditOutcome.Succeeded, Actor: "lan", Detail: "every other session ended" });
    }

    [Fact]
    public async Task Other_sessions_are_ended_one_by_one_or_all_at_once_and_this_one_stays()
    {
        await CreateLanAsync();
        using var phone = Browser();
        using var laptop = Browser();
        using var tablet = Browser();
        await SignInAsync(phone, "lan", Password);
        await SignInAsync(laptop, "lan", Password);
        await SignInAsync(tablet, "lan", Password);
        var page = await phone.GetStringAsync(new Uri("/account", UriKind.Relative));
        var token = FormToken().Match(page).Groups["token"].Value;
        var laptopSession = await SessionIdOf(laptop);
        Assert.NotNull(laptopSession);
        Assert.Contains($"id={laptopSession}", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"id={await SessionIdOf(phone)}", page, StringComparison.Ordinal);

        using (var ended = await phone.PostAsync(new Uri($"/account?handler=endSession&id={laptopSession}", UriKind.Relative), Form(("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tablet.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        using (var all = await phone.PostAsync(new Uri("/account?handler=endOthers", UriKind.Relative), Form(("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Redirect, all.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await tablet.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync(new Uri("/api/account", UriKind.Relative))).StatusCode);
        Assert.Contains("Đã kết thúc mọi phiên đăng nhập khác.", await phone.GetStringAsync(new Uri("/account?done=others", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_made_on_the_page_holds_only_roles_I_hold_is_shown_once_and_stops_when_revoked()
    {
        await CreateLanAsync();
        using var phone = Browser();
        await SignInAsync(phone, "lan", Password);
        var page = await phone.GetStringAsync(new Uri("/account", UriKind.Relative));
        var token = FormToken().Match(page).Groups["token"].Value;
        Assert.DoesNotContain(@"name=""role"" value=""admin""", page, StringComparison.Ordinal);

        using (var beyond = await phone.PostAsync(new Uri("/account?handler=createToken", UriKind.Relative), Form(("name", "CAP"), ("role", "admin"), ("days", "30"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
            Assert.Contains("trong số vai trò bạn đang giữ", await beyond.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        string secret;
        using (var made = await phone.PostAsync(new Uri("/account?handler=createToken", UriKind.Relative), Form(("name", "Bảng tin"), ("role", "viewer"), ("days", "30"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.OK, made.StatusCode);
            Assert.True(made.Headers.CacheControl?.NoStore);
            secret = TokenText().Match(await made.Content.ReadAsStringAsync()).Groups["token"].Value;
        }

        Assert.StartsWith("sl_", secret, StringComparison.Ordinal);
        var listed = await phone.GetStringAsync(new Uri("/account", UriKind.Relative));
        Assert.Contains("Bảng tin", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        using var script = Script(secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        using (var beyondScope = await script.PostAsync(new Uri("/api/fleet/commands", UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, beyondScope.StatusCode);
        }

        var id = Assert.Single(Accounts.TokensOf("lan")).Id;
        using (var revoked = await phone.PostAsync(new Uri($"/account?handler=revokeToken&id={id}", UriKind.Relative), Form(("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        Assert.Contains(@"data-state=""revoked""", await phone.GetStringAsync(new Uri("/account", UriKind.Relative)), StringComparison.Ordinal);

        // The page leaves the entries the API would: the refused role, the token made, the token revoked, all by lan.
        var audit = _host.Services.GetRequiredService<AuditTrail>().Between(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Where(entry => entry.Actor == "lan").ToList();
        Assert.Contains(audit, entry => entry is { Action: AuditActions.TokenCreated, Outcome: AuditOutcome.Refused, Detail: "the caller does not hold the role 'admin'" });
        Assert.Contains(audit, entry => entry.Action == AuditActions.TokenCreated && entry.Outcome == AuditOutcome.Succeeded && entry.Target == id);
        Assert.Contains(audit, entry => entry.Action == AuditActions.TokenRevoked && entry.Outcome == AuditOutcome.Succeeded && entry.Target == id);
    }

    [Fact]
    public async Task An_admin_makes_an_account_on_the_users_page_sees_its_password_once_changes_its_roles_and_disables_it()
    {
        using var admin = _host.ClientAs(ControllerHost.TestUser, AccountRoles.All, followRedirects: false);
        var page = await admin.GetStringAsync(new Uri("/users", UriKind.Relative));
        var token = FormToken().Match(page).Groups["token"].Value;
        using (var badName = await admin.PostAsync(new Uri("/users?handler=create", UriKind.Relative), Form(("name", "Chị Lan"), ("role", "viewer"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
            Assert.Contains("Tên đăng nhập gồm 1 đến 64 chữ thường", await badName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        string password;
        using (var made = await admin.PostAsync(new Uri("/users?handler=create", UriKind.Relative), Form(("name", "lan"), ("displayName", "Chị Lan"), ("role", "technician"), ("role", "viewer"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.OK, made.StatusCode);
            Assert.True(made.Headers.CacheControl?.NoStore);
            password = PasswordText().Match(await made.Content.ReadAsStringAsync()).Groups["password"].Value;
        }

        Assert.True(Accounts.CheckPassword("lan", password));
        Assert.DoesNotContain(password, await admin.GetStringAsync(new Uri("/users", UriKind.Relative)), StringComparison.Ordinal);
        using (var taken = await admin.PostAsync(new Uri("/users?handler=create", UriKind.Relative), Form(("name", "lan"), ("role", "viewer"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        using (var roles = await admin.PostAsync(new Uri("/users?handler=roles&name=lan", UriKind.Relative), Form(("role", "broadcaster"), ("role", "viewer"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Redirect, roles.StatusCode);
            Assert.Equal("/users?done=roles&user=lan#user-lan", roles.Headers.Location?.OriginalString);
        }

        Assert.Equal([AccountRoles.Broadcaster, AccountRoles.Viewer], Accounts.FindUser("lan")!.Roles);
        using (var self = await admin.PostAsync(new Uri($"/users?handler=disable&name={ControllerHost.TestUser}", UriKind.Relative), Form(("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
            Assert.Contains("bạn không thể vô hiệu hóa chính tài khoản của mình", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var lastAdmin = await admin.PostAsync(new Uri($"/users?handler=roles&name={ControllerHost.TestUser}", UriKind.Relative), Form(("role", "technician"), ("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Conflict, lastAdmin.StatusCode);
            Assert.Contains("quản trị viên cuối cùng", await lastAdmin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var disabled = await admin.PostAsync(new Uri("/users?handler=disable&name=lan", UriKind.Relative), Form(("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        }

        Assert.True(Accounts.FindUser("lan")!.Disabled);
        Assert.Contains(@"data-user=""lan"" data-state=""disabled""", await admin.GetStringAsync(new Uri("/users", UriKind.Relative)), StringComparison.Ordinal);
        using (var reset = await admin.PostAsync(new Uri("/users?handler=reset&name=lan", UriKind.Relative), Form(("__RequestVerificationToken", token))))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
            Assert.True(Accounts.CheckPassword("lan", PasswordText().Match(await reset.Content.ReadAsStringAsync()).Groups["password"].Value));
        }

        var audit = _host.Services.GetRequiredService<AuditTrail>().Between(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).ToList();
        Assert.Contains(audit, entry => entry is { Action: AuditActions.UserRolesChanged, Outcome: AuditOutcome.Succeeded, Target: "lan", Detail: "technician, viewer → broadcaster, viewer" });
        Assert.Contains(audit, entry => entry is { Action: AuditActions.UserDisabled, Outcome: AuditOutcome.Succeeded, Target: "lan" });
        Assert.Contains(audit, entry => entry is { Action: AuditActions.UserDisabled, Outcome: AuditOutcome.Refused, Target: ControllerHost.TestUser });
        Assert.Contains(audit, entry => entry is { Action: AuditActions.UserCreated, Outcome: AuditOutcome.Succeeded, Target: "lan", Detail: "roles technician, viewer" });
        Assert.Contains(audit, entry => entry is { Action: AuditActions.UserCreated, Outcome: AuditOutcome.Refused, Target: "Chị Lan" });
        Assert.Contains(audit, entry => entry is { Action: AuditActions.PasswordReset, Outcome: AuditOutcome.Succeeded, Target: "lan" } && entry.Actor.StartsWith(ControllerHost.TestUser + " (token ", StringComparison.Ordinal));
        _host.AssertNoErrors();
    }

    private async Task CreateLanAsync()
    {
        var created = await Accounts.CreateUserAsync("lan", "Chị Lan", Password, TechnicianAndViewer);
        Assert.NotNull(created.Value);
    }

    private static async Task<string?> SessionIdOf(HttpClient browser)
    {
        var sessions = await browser.GetStringAsync(new Uri("/api/account/sessions", UriKind.Relative));
        return CurrentSession().Match(sessions) is { Success: true } match ? match.Groups["id"].Value : null;
    }

    private HttpClient Browser() => _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private HttpClient Script(string token)
    {
        var client = Browser();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string, string>(field.Key, field.Value)));

    private static async Task SignInAsync(HttpClient browser, string name, string password)
    {
        var page = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative));
        using var signedIn = await browser.PostAsync(new Uri("/signin", UriKind.Relative), Form(("name", name), ("password", password), ("__RequestVerificationToken", FormToken().Match(page).Groups["token"].Value)));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""(?<token>[^""]+)""")]
    private static partial Regex FormToken();

    [GeneratedRegex(@"<li class=""card"" data-session=")]
    private static partial Regex SessionCards();

    [GeneratedRegex(@"id=""token-text"" class=""token-text"" type=""text"" readonly value=""(?<token>sl_[^""]+)""")]
    private static partial Regex TokenText();

    [GeneratedRegex(@"id=""password-text"" class=""token-text"" type=""text"" readonly value=""(?<password>[^""]+)""")]
    private static partial Regex PasswordText();

    [GeneratedRegex(@"""id"":""(?<id>[0-9a-f]+)"",[^}]*""current"":true")]
    private static partial Regex CurrentSession();
}
