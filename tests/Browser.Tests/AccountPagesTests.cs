using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// My account and the users page on a phone (360×740), in a real Chromium against a real Controller: a person signs
/// in, changes their password, makes a token (seen once) and revokes it; an admin makes an account, changes its roles
/// and disables it. Each page fits the phone, is translated and passes axe.
/// </summary>
[Trait("Category", "Browser")]
public sealed partial class AccountPagesTests(AccountsUiFixture fixture, ITestOutputHelper output) : IClassFixture<AccountsUiFixture>
{
    [Fact]
    public async Task A_person_signs_in_changes_their_password_and_makes_a_token_seen_once_then_revokes_it()
    {
        var password = await fixture.CreateUserAsync("hoa", "Chị Hoa", "technician", "viewer");
        var page = await fixture.NewAnonymousPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("Tên đăng nhập").FillAsync("hoa");
        await page.GetByLabel("Mật khẩu").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Tài khoản của tôi" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tài khoản của tôi", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-roles]")).ToHaveTextAsync("kỹ thuật viên, người xem");
        await Assertions.Expect(page.Locator("[data-current]")).ToContainTextAsync("Phiên này");
        await CheckAsync(page, "account-vi");

        await page.GetByLabel("Mật khẩu hiện tại").FillAsync(password);
        await page.GetByLabel("Mật khẩu mới", new() { Exact = true }).FillAsync("mat-khau-moi-cua-hoa");
        await page.GetByLabel("Nhập lại mật khẩu mới").FillAsync("mat-khau-khac-cua-hoa");
        await page.GetByRole(AriaRole.Button, new() { Name = "Đổi mật khẩu" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Hai lần nhập mật khẩu mới không giống nhau.");
        await FleetUiFixture.ScreenshotAsync(page, "account-password-refused");

        await page.GetByLabel("Mật khẩu hiện tại").FillAsync(password);
        await page.GetByLabel("Mật khẩu mới", new() { Exact = true }).FillAsync("mat-khau-moi-cua-hoa");
        await page.GetByLabel("Nhập lại mật khẩu mới").FillAsync("mat-khau-moi-cua-hoa");
        await page.GetByRole(AriaRole.Button, new() { Name = "Đổi mật khẩu" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Đã đổi mật khẩu" })).ToBeVisibleAsync();

        // Still signed in here after the change; the token form is folded until wanted.
        await page.GetByText("Tạo mã API mới").ClickAsync();
        await page.GetByLabel("Tên mã (dùng cho việc gì)").FillAsync("Bảng tin thôn");
        await page.GetByLabel("người xem").CheckAsync();
        await page.GetByLabel("Thời hạn").SelectOptionAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tạo mã" }).ClickAsync();
        var secret = await page.Locator("[data-token]").InputValueAsync();
        Assert.StartsWith("sl_", secret, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#new-token")).ToContainTextAsync("chỉ hiện một lần");
        await CheckAsync(page, "account-token-once");

        using (var script = new HttpClient { BaseAddress = fixture.Controller.BaseAddress })
        {
            script.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);

            await page.GotoAsync("/account");
            Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
            var card = page.Locator("[data-token-id]", new() { HasText = "Bảng tin thôn" });
            await card.GetByText("Thu hồi mã…").ClickAsync();
            await card.GetByRole(AriaRole.Button, new() { Name = "Thu hồi mã \"Bảng tin thôn\"" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Đã thu hồi mã API" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-token-id]", new() { HasText = "Bảng tin thôn" })).ToHaveAttributeAsync("data-state", "revoked");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        }

        await CheckAsync(page, "account-token-revoked");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_makes_an_account_sees_its_password_once_changes_its_roles_and_disables_it()
    {
        var page = await fixture.NewAdminPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Người dùng", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/users$"));
        await CheckAsync(page, "users-vi");

        await page.GetByText("Tạo tài khoản mới").ClickAsync();
        await page.GetByLabel("Tên đăng nhập").FillAsync("lan.nguyen");
        await page.GetByLabel("Họ tên hiển thị").FillAsync("Chị Nguyễn Thị Lan");
        await page.Locator("#create-form").GetByLabel("kỹ thuật viên").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Tạo tài khoản" }).ClickAsync();
        var password = await page.Locator("[data-password]").InputValueAsync();
        Assert.Equal(20, password.Length);
        await CheckAsync(page, "users-created");

        var card = page.Locator("[data-user='lan.nguyen']");
        await Assertions.Expect(card.Locator("[data-roles]")).ToHaveTextAsync("kỹ thuật viên, người xem");
        await card.GetByText("Sửa vai trò").ClickAsync();
        await card.GetByLabel("phát thanh viên").CheckAsync();
        await card.GetByLabel("kỹ thuật viên").UncheckAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Lưu vai trò" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Đã lưu vai trò của lan.nguyen." })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-user='lan.nguyen'] [data-roles]")).ToHaveTextAsync("phát thanh viên, người xem");

        card = page.Locator("[data-user='lan.nguyen']");
        await card.GetByText("Vô hiệu hóa…").ClickAsync();
        await CheckAsync(page, "users-disable-confirm");
        await card.GetByRole(AriaRole.Button, new() { Name = "Vô hiệu hóa lan.nguyen" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-user='lan.nguyen']")).ToHaveAttributeAsync("data-state", "disabled");
        await Assertions.Expect(page.Locator("[data-user='lan.nguyen'] .user-state")).ToHaveTextAsync("đã vô hiệu hóa");

        // Signing in as the disabled account is refused like any wrong password.
        var refused = await fixture.NewAnonymousPageAsync();
        await refused.GotoAsync("/signin");
        await refused.GetByLabel("Tên đăng nhập").FillAsync("lan.nguyen");
        await refused.GetByLabel("Mật khẩu").FillAsync(password);
        await refused.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        await Assertions.Expect(refused.GetByRole(AriaRole.Alert)).ToContainTextAsync("không đúng");
        await refused.Context.CloseAsync();
        await CheckAsync(page, "users-disabled");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_account_and_users_pages_read_in_English_when_chosen()
    {
        var page = await fixture.NewAdminPageAsync("en-GB");
        await page.GotoAsync("/account");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My account", Exact = true })).ToBeVisibleAsync();
        await CheckAsync(page, "account-en");
        await page.GotoAsync("/users");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users and roles" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-user='{fixture.Controller.Account.Name}']")).ToContainTextAsync("This is your own account");
        await CheckAsync(page, "users-en");
        await page.Context.CloseAsync();
    }

    private async Task CheckAsync(IPage page, string name)
    {
        // The picture first: it shows what a failed check below complains of.
        await FleetUiFixture.ScreenshotAsync(page, name);
        await PageChecks.AssertFitsAsync(page);
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertAccessibleAsync(page, output, name);
    }
}
