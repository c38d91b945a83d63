using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>The technician's Zones page (Khu vực) on a phone, in a real Chromium against a real Controller.</summary>
[Trait("Category", "Browser")]
public sealed partial class ZonesPageTests(FleetUiFixture fixture, ITestOutputHelper output) : IClassFixture<FleetUiFixture>
{
    private const string English = "en-GB";

    /// <summary>The Zones page's HTML, compressed: a few kilobytes over a weak 4G link (CSS and script are cached).</summary>
    private const int HtmlBudgetBytes = 8 * 1024;

    [Fact]
    public async Task On_a_phone_without_script_a_technician_names_a_zone_and_the_fleet_list_shows_the_name()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Controller.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            JavaScriptEnabled = false,
        });
        await context.AddCookiesAsync([await fixture.Controller.SessionCookieAsync()]);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Khu vực", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(ZonesUrl());
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Khu vực", Exact = true })).ToHaveAttributeAsync("aria-current", "page");

        var card = page.Locator("li[data-zone='thon-2']");
        await Assertions.Expect(card).ToHaveClassAsync(new Regex("unnamed"));
        await Assertions.Expect(card.Locator("[data-nodes]")).ToHaveTextAsync("2");
        await card.GetByLabel("Tên hiển thị").FillAsync("Thôn 2");
        await card.GetByRole(AriaRole.Button, new() { Name = "Đặt tên" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/zones\?done=created&zone=thon-2#zone-thon-2$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Đã đặt tên khu vực thon-2: «Thôn 2».");
        var named = page.Locator("li[data-zone='thon-2']");
        await Assertions.Expect(named.Locator("h3")).ToHaveTextAsync("Thôn 2");
        await Assertions.Expect(named).Not.ToHaveClassAsync(new Regex("unnamed"));

        // Its nodes keep it: no delete button, and the reason instead.
        await Assertions.Expect(named.GetByRole(AriaRole.Button, new() { Name = "Xoá khu vực" })).ToHaveCountAsync(0);
        await Assertions.Expect(named.Locator(".hint")).ToHaveTextAsync("Còn 2 cụm loa trong khu vực này nên không xoá được.");
        await FleetUiFixture.ScreenshotAsync(page, "zones-vi");

        // A second zone may not take the name, in any case; the form keeps what was typed and says why.
        await page.Locator("#add-id").FillAsync("thon-2-moi");
        await page.Locator("#add-name").FillAsync("thôn 2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Thêm khu vực" }).ClickAsync();
        await Assertions.Expect(page.Locator("#add-problem")).ToHaveTextAsync(
            "Tên «Thôn 2» đã được dùng cho khu vực thon-2 (không phân biệt chữ hoa, chữ thường). Hãy chọn tên khác.");
        await Assertions.Expect(page.Locator("#add-id")).ToHaveValueAsync("thon-2-moi");
        await page.Locator("#add-problem").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(FleetUiFixture.ScreenshotDirectory, "zones-duplicate-vi.png") });

        await page.GotoAsync("/");
        foreach (var (id, _) in FleetUiFixture.Fleet.Where(node => node.Zone == "thon-2"))
        {
            await Assertions.Expect(page.Locator($"tr[data-node='{id}'] [data-f='zones']")).ToHaveTextAsync("Thôn 2");
        }

        await Assertions.Expect(page.Locator("#zone option[value='thon-2']")).ToHaveTextAsync("Thôn 2");
        await page.GotoAsync("/nodes/loa-thon2-a");
        await Assertions.Expect(page.Locator(".node-state [data-f='zones']")).ToHaveTextAsync("Thôn 2");
    }

    [Fact]
    public async Task In_English_a_technician_adds_renames_and_deletes_a_zone()
    {
        var page = await fixture.NewPageAsync(English);
        await page.GotoAsync("/zones");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Zones", Level = 1 })).ToBeVisibleAsync();

        await page.GetByLabel("Zone id").FillAsync("xom-dong");
        await page.Locator("#add-name").FillAsync("Xom Dong");
        await page.Locator("#add-description").FillAsync("Behind the market");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add zone" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Zone xom-dong is now named “Xom Dong”.");

        var card = page.Locator("li[data-zone='xom-dong']");
        await card.Locator("summary").ClickAsync();
        await card.GetByLabel("Display name").FillAsync("Xóm Đông");
        await card.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Zone xom-dong saved: “Xóm Đông”.");
        await Assertions.Expect(card.Locator("h3")).ToHaveTextAsync("Xóm Đông");
        await Assertions.Expect(card.Locator("[data-nodes]")).ToHaveTextAsync("0");
        await FleetUiFixture.ScreenshotAsync(page, "zones-en");

        await card.GetByRole(AriaRole.Button, new() { Name = "Delete zone" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Zone xom-dong deleted.");
        await Assertions.Expect(page.Locator("li[data-zone='xom-dong']")).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData("vi-VN")]
    [InlineData(English)]
    public async Task The_zones_page_is_translated_and_has_no_serious_accessibility_violations(string culture)
    {
        var page = await fixture.NewPageAsync(culture);
        await page.GotoAsync("/zones");
        var body = await page.ContentAsync();
        PageChecks.AssertTranslated(body);
        Assert.Contains(culture == English ? "lang=\"en\"" : "lang=\"vi\"", body, StringComparison.Ordinal);

        await PageChecks.AssertAccessibleAsync(page, output, culture);
    }

    [Fact]
    public async Task The_zones_page_is_a_few_kilobytes_compressed()
    {
        using var http = fixture.Controller.Client(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });
        http.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");
        using var response = await http.GetAsync(new Uri("/zones", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.Content.Headers.ContentEncoding, encoding => encoding is "br" or "gzip");
        var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
        output.WriteLine($"/zones HTML: {bytes} bytes compressed (budget {HtmlBudgetBytes}).");
        Assert.InRange(bytes, 1, HtmlBudgetBytes);
    }

    [GeneratedRegex(@"/zones$")]
    private static partial Regex ZonesUrl();
}
