using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>The admins' commune settings page (Cài đặt xã) on a phone, in a real Chromium against a real Controller.</summary>
[Trait("Category", "Browser")]
public sealed partial class SettingsPageTests(FleetUiFixture fixture, ITestOutputHelper output) : IClassFixture<FleetUiFixture>
{
    [Fact]
    public async Task On_a_phone_an_admin_opens_the_settings_from_the_menu_is_told_each_wrong_field_and_saves()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Cài đặt xã", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/settings$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cài đặt của xã", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cài đặt xã", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.GetByLabel("Múi giờ")).ToHaveValueAsync("Asia/Ho_Chi_Minh");
        await Assertions.Expect(page.GetByLabel("Bắt đầu")).ToHaveValueAsync("21:30");
        await Assertions.Expect(page.GetByLabel("Kết thúc")).ToHaveValueAsync("05:00");
        await Assertions.Expect(page.GetByLabel("Độ to mục tiêu (LUFS)")).ToHaveValueAsync("-16");
        await PageChecks.AssertFitsAsync(page);
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertAccessibleAsync(page, output, "settings-vi");
        await FleetUiFixture.ScreenshotAsync(page, "settings-vi");

        // Two wrong fields: both are named beside their inputs, and what was typed stays.
        await page.GetByLabel("Tên xã").FillAsync("");
        await page.GetByLabel("Tỉnh / thành phố").FillAsync("Hà Tĩnh");
        await page.GetByLabel("Độ to mục tiêu (LUFS)").FillAsync("-40");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lưu cài đặt" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-s='problem']")).ToHaveTextAsync("Chưa lưu: 2 ô cần sửa.");
        await Assertions.Expect(page.Locator("#problem-name")).ToHaveTextAsync("Bắt buộc.");
        await Assertions.Expect(page.Locator("#problem-loudnessTargetLufs")).ToHaveTextAsync("Từ -30 đến -10.");
        await Assertions.Expect(page.GetByLabel("Độ to mục tiêu (LUFS)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("Độ to mục tiêu (LUFS)")).ToHaveValueAsync("-40");
        await Assertions.Expect(page.GetByLabel("Tỉnh / thành phố")).ToHaveValueAsync("Hà Tĩnh");
        await PageChecks.AssertFitsAsync(page);
        await PageChecks.AssertAccessibleAsync(page, output, "settings-problems-vi");
        await FleetUiFixture.ScreenshotAsync(page, "settings-problems-vi");

        await page.GetByLabel("Tên xã").FillAsync("Xã Yên Lặng");
        await page.GetByLabel("Độ to mục tiêu (LUFS)").FillAsync("-18");
        await page.GetByLabel("Bắt đầu").FillAsync("22:00");
        await page.GetByLabel("Lịch phát phải được duyệt trước khi phát").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Lưu cài đặt" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/settings\?done=saved$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(SavedText());
        await Assertions.Expect(page.GetByLabel("Tên xã")).ToHaveValueAsync("Xã Yên Lặng");
        await Assertions.Expect(page.GetByLabel("Bắt đầu")).ToHaveValueAsync("22:00");
        await Assertions.Expect(page.GetByLabel("Lịch phát phải được duyệt trước khi phát")).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("[data-s='version']")).ToContainTextAsync(fixture.Controller.Account.Name);
        await FleetUiFixture.ScreenshotAsync(page, "settings-saved-vi");
    }

    [Fact]
    public async Task The_settings_page_reads_in_English_when_chosen()
    {
        var page = await fixture.NewPageAsync("en-GB");
        await page.GotoAsync("/settings");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Commune settings", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Quiet hours on")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Emergency lead time (ms)")).ToBeVisibleAsync();
        PageChecks.AssertTranslated(await page.ContentAsync());
        await FleetUiFixture.ScreenshotAsync(page, "settings-en");
        await PageChecks.AssertFitsAsync(page);
        await PageChecks.AssertAccessibleAsync(page, output, "settings-en");
    }

    [GeneratedRegex(@"^Đã lưu \(phiên bản \d+\)\. Giờ yên lặng đang được gửi tới các cụm loa\.$")]
    private static partial Regex SavedText();
}
