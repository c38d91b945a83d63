using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>The sign-in page on a phone (360×740), in a real Chromium against a real Controller, in both languages.</summary>
[Trait("Category", "Browser")]
public sealed partial class SignInPageTests(FleetUiFixture fixture, ITestOutputHelper output) : IClassFixture<FleetUiFixture>
{
    [Fact]
    public async Task A_page_opened_without_signing_in_leads_to_the_sign_in_page_which_refuses_a_wrong_password_and_returns_to_the_page()
    {
        await using var context = await NewContextAsync(culture: null);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/zones");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Đăng nhập" })).ToBeVisibleAsync();

        // Nobody signed in sees no menu: it would only list pages they cannot open.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Khu vực", Exact = true })).ToHaveCountAsync(0);
        await PageChecks.AssertFitsAsync(page);
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertAccessibleAsync(page, output, "signin-vi");
        await FleetUiFixture.ScreenshotAsync(page, "signin-vi");

        await page.GetByLabel("Tên đăng nhập").FillAsync(fixture.Controller.Account.Name);
        await page.GetByLabel("Mật khẩu").FillAsync("khong-phai-mat-khau");
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("không đúng");
        await Assertions.Expect(page.GetByLabel("Tên đăng nhập")).ToHaveValueAsync(fixture.Controller.Account.Name);

        await page.GetByLabel("Mật khẩu").FillAsync(fixture.Controller.Account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/zones$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Khu vực", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/signin$"));
        await page.GotoAsync("/zones");
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
    }

    [Fact]
    public async Task The_sign_in_page_reads_in_English_when_chosen()
    {
        await using var context = await NewContextAsync(culture: "en-GB");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("User name")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertFitsAsync(page);
        await PageChecks.AssertAccessibleAsync(page, output, "signin-en");
        await FleetUiFixture.ScreenshotAsync(page, "signin-en");
    }

    [Fact]
    public async Task The_pages_policy_blocks_an_inline_style_and_the_page_checks_see_it()
    {
        await using var context = await NewContextAsync(culture: null);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/signin");
        Assert.StartsWith("default-src 'self'; script-src 'self'; style-src 'self';", await response!.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        await PageChecks.AssertNoPolicyViolationsAsync(page);

        // What an injection would add: the policy refuses it, and the check that every page test runs fails on it.
        await page.EvaluateAsync("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')");
        await page.WaitForFunctionAsync("window.__cspViolations.length > 0");
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => PageChecks.AssertNoPolicyViolationsAsync(page));
        Assert.NotEqual("rgb(255, 0, 0)", await page.Locator("body > p").Last.EvaluateAsync<string>("p => getComputedStyle(p).color"));
    }

    private async Task<IBrowserContext> NewContextAsync(string? culture)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Controller.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = PageChecks.PhoneWidth, Height = 740 },
            DeviceScaleFactor = 1,
        });
        await context.AddInitScriptAsync(PageChecks.RecordPolicyViolations);
        if (culture is not null)
        {
            await context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = $"c={culture}|uic={culture}", Domain = "127.0.0.1", Path = "/" }]);
        }

        return context;
    }

    [GeneratedRegex(@"/signin\?returnUrl=%2Fzones$")]
    private static partial Regex SignInUrl();
}
