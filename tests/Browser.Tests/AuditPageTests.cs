using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>The admins' audit log page (Nhật ký kiểm tra) on a phone, in a real Chromium against a real Controller.</summary>
[Trait("Category", "Browser")]
public sealed partial class AuditPageTests(FleetUiFixture fixture, ITestOutputHelper output) : IClassFixture<FleetUiFixture>
{
    [Fact]
    public async Task On_a_phone_an_admin_opens_the_log_from_the_menu_filters_it_by_a_shareable_address_and_exports_the_same_filter()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Nhật ký kiểm tra", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/audit$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nhật ký kiểm tra", Level = 1 })).ToBeVisibleAsync();

        // The admin's own sign-in (the fixture signs in through the form) is there, as a card on a phone.
        var signIn = page.Locator("tr[data-action='account.sign-in']").First;
        await Assertions.Expect(signIn).ToBeVisibleAsync();
        await Assertions.Expect(signIn.Locator("td[data-label='Người thực hiện']")).ToHaveTextAsync(fixture.Controller.Account.Name);
        await Assertions.Expect(signIn.Locator(".outcome")).ToHaveTextAsync("Đã làm");
        await PageChecks.AssertFitsAsync(page);
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertAccessibleAsync(page, output, "audit-vi");
        await FleetUiFixture.ScreenshotAsync(page, "audit-vi");

        await page.GetByLabel("Loại việc").SelectOptionAsync("account.");
        await page.GetByLabel("Kết quả").SelectOptionAsync("succeeded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Áp dụng" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/audit\?.*action=account\..*outcome=succeeded"));
        await Assertions.Expect(page.Locator("tbody tr:not([data-action^='account.'])")).ToHaveCountAsync(0);
        var csv = await page.GetByRole(AriaRole.Link, new() { Name = "Tải về CSV (cùng bộ lọc)" }).GetAttributeAsync("href");
        Assert.Matches(@"^/api/audit\.csv\?.*action=account\..*outcome=succeeded", csv);
    }

    [Fact]
    public async Task The_log_reads_in_English_when_chosen()
    {
        var page = await fixture.NewPageAsync("en-GB");
        await page.GotoAsync("/audit");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Outcome")).ToBeVisibleAsync();
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertFitsAsync(page);
        await PageChecks.AssertAccessibleAsync(page, output, "audit-en");
        await FleetUiFixture.ScreenshotAsync(page, "audit-en");
    }
}
