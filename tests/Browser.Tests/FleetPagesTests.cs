using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>The technician's fleet pages in a real Chromium against a real Controller and simulated nodes.</summary>
[Trait("Category", "Browser")]
public sealed partial class FleetPagesTests(FleetUiFixture fixture, ITestOutputHelper output) : IClassFixture<FleetUiFixture>
{
    private const string English = "en-GB";

    /// <summary>The node list's first load (HTML, CSS, script), compressed, must fit a weak 4G link.</summary>
    private const int PageBudgetBytes = 100 * 1024;

    [Fact]
    public async Task The_list_shows_every_node_with_its_state_and_figures_before_any_script_runs()
    {
        var page = await fixture.NewPageAsync();
        await page.Context.RouteAsync("**/*.js*", route => route.AbortAsync());
        await page.GotoAsync("/");

        foreach (var (id, zone) in FleetUiFixture.Fleet)
        {
            var row = page.Locator($"tr[data-node='{id}']");
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(row.Locator("[data-f='zones']")).ToHaveTextAsync("Khu vực " + zone);
            await Assertions.Expect(row.Locator("[data-f='temp']")).ToContainTextAsync("°C");
        }

        var hot = page.Locator($"tr[data-node='{FleetUiFixture.HotNode}']");
        await Assertions.Expect(hot).ToHaveAttributeAsync("data-c", "fault");
        await Assertions.Expect(hot.Locator("[data-f='faults']")).ToContainTextAsync("Quá nhiệt");
        await Assertions.Expect(hot.Locator("[data-f='state']")).ToHaveTextAsync("Có lỗi");
    }

    [Fact]
    public async Task The_list_is_filtered_and_sorted_by_query_string()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/?zone=thon-2&sort=temp&dir=desc");
        var rows = page.Locator("#node-rows tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-node", FleetUiFixture.HotNode);
        await Assertions.Expect(page.Locator("th[aria-sort='descending']")).ToContainTextAsync("Nhiệt độ");

        await page.GotoAsync("/?state=fault");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_node_that_goes_offline_turns_red_on_the_open_page()
    {
        const string victim = "loa-thon1-b";
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var row = page.Locator($"tr[data-node='{victim}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-c", "ok");
        await Assertions.Expect(page.Locator("[data-count='offline']")).ToHaveTextAsync("0");

        var cut = DateTime.UtcNow;
        await fixture.CutNodeAsync(victim);

        await Assertions.Expect(row).ToHaveAttributeAsync("data-c", "offline", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
        output.WriteLine($"Offline shown {(DateTime.UtcNow - cut).TotalSeconds:0.0} s after the node was cut.");
        await Assertions.Expect(row.Locator("[data-f='state']")).ToHaveTextAsync("Mất kết nối");
        await Assertions.Expect(page.Locator("[data-count='offline']")).ToHaveTextAsync("1");
        var background = await row.EvaluateAsync<string>("row => getComputedStyle(row).backgroundColor");
        Assert.Equal("rgb(253, 232, 232)", background);
        await FleetUiFixture.ScreenshotAsync(page, "fleet-list-offline-vi");
    }

    [Fact]
    public async Task The_language_switch_goes_to_English_and_is_remembered()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Cụm loa trong xã");

        await page.Locator("a.lang").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Loudspeaker nodes");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Loudspeaker nodes");
        await page.GotoAsync($"/nodes/{FleetUiFixture.HotNode}");
        await Assertions.Expect(page.Locator(".fault-list")).ToContainTextAsync("Overheating");

        await page.Locator("a.lang").ClickAsync();
        await Assertions.Expect(page.Locator(".fault-list")).ToContainTextAsync("Quá nhiệt");
    }

    [Fact]
    public async Task The_node_page_draws_its_health_history_as_charts()
    {
        var page = await fixture.NewPageAsync();
        var id = FleetUiFixture.HotNode;
        var charts = page.Locator("svg.chart");
        var deadline = DateTime.UtcNow + Eventually.Timeout;
        int points;
        do
        {
            await page.GotoAsync($"/nodes/{id}");
            points = await charts.CountAsync() == 0 ? 0 : await PointsAsync(charts.First);
        }
        while (points < 3 && DateTime.UtcNow < deadline);

        await Assertions.Expect(charts).ToHaveCountAsync(4);
        var temperature = charts.First;
        Assert.True(await PointsAsync(temperature) >= 3);
        Assert.Matches("^M[0-9. ]+( L[0-9. ]+){2,}", await temperature.Locator("path.line").GetAttributeAsync("d") ?? string.Empty);
        var box = await temperature.BoundingBoxAsync();
        Assert.True(box is { Width: > 200, Height: > 60 }, "The chart is drawn at a readable size on a phone.");
        await Assertions.Expect(page.Locator(".chart-flags")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".fault-list")).ToContainTextAsync("Quá nhiệt");

        await page.GotoAsync("/nodes/loa-thon1-a");
        await Assertions.Expect(page.Locator("table.events")).ToContainTextAsync("Đường loa 2 hở mạch");
        await Assertions.Expect(page.Locator("table.events")).ToContainTextAsync("Cảnh báo");
    }

    [Fact]
    public async Task The_range_switch_draws_seven_days_from_the_hourly_aggregates()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/nodes/{FleetUiFixture.HistoryNode}");
        var switcher = page.Locator("nav.ranges");
        await Assertions.Expect(switcher.Locator("a[aria-current='page']")).ToHaveAttributeAsync("data-range", "24h");
        await Assertions.Expect(page.Locator(".charts")).ToHaveAttributeAsync("data-range", "24h");

        await switcher.Locator("a[data-range='7d']").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(RangeInUrl());
        await Assertions.Expect(switcher.Locator("a[aria-current='page']")).ToHaveTextAsync("7 ngày");
        var charts = page.Locator(".charts[data-range='7d'] svg.chart");
        await Assertions.Expect(charts).ToHaveCountAsync(4);
        var temperature = charts.First;

        // One point per seeded hour, plus the live hour or two that maintenance has not aggregated yet.
        Assert.InRange(await PointsAsync(temperature), HealthHistorySeed.HoursWithReports, HealthHistorySeed.HoursWithReports + 3);
        await Assertions.Expect(temperature.Locator("path.band")).ToHaveCountAsync(1);

        // The seeded silence and the day between the seeded history and the live reports are gaps, not lines.
        var line = await temperature.Locator("path.line").GetAttributeAsync("d") ?? string.Empty;
        Assert.True(line.Count(letter => letter == 'M') >= 3, $"The line should lift at both gaps: {line[..Math.Min(line.Length, 200)]}");

        await Assertions.Expect(temperature.Locator("title")).ToHaveTextAsync("Nhiệt độ CPU (°C)");
        await Assertions.Expect(temperature.Locator("desc")).ToContainTextAsync("trung bình");
        var box = page.Locator(".chart-box").First;
        await Assertions.Expect(box.Locator(".chart-summary")).ToContainTextAsync("thấp nhất");
        // Seven days with a label every second local midnight: three labels.
        await Assertions.Expect(box.Locator(".time-axis time")).ToHaveCountAsync(3);
        Assert.Matches(@"^\d\d/\d\d$", await box.Locator(".time-axis time").First.TextContentAsync() ?? string.Empty);

        // Each label sits at its instant, placed by time-axis.js (the policy refuses a style attribute), not spread evenly.
        await Assertions.Expect(box.Locator(".time-axis")).ToHaveClassAsync(new Regex(@"\bplaced\b"));
        var lefts = await box.Locator(".time-axis time").EvaluateAllAsync<string[]>("labels => labels.map(label => label.style.left)");
        Assert.Equal(await box.Locator(".time-axis time").EvaluateAllAsync<string[]>("labels => labels.map(label => label.dataset.left)"), lefts);
        await Assertions.Expect(box.Locator(".axis.max")).Not.ToHaveTextAsync(await box.Locator(".axis.min").TextContentAsync() ?? string.Empty);

        var clock = page.Locator(".chart-box").Nth(2);
        await Assertions.Expect(clock.Locator("figcaption")).ToHaveTextAsync("Đồng hồ đồng bộ (% báo cáo mỗi giờ)");
        await Assertions.Expect(clock.Locator(".axis.max")).ToHaveTextAsync("100 %");
        await Assertions.Expect(clock.Locator(".chart-flags")).ToContainTextAsync("giờ có báo cáo");

        await page.Locator("#history").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(FleetUiFixture.ScreenshotDirectory, "node-history-7d-vi.png") });
    }

    [Fact]
    public async Task An_invalid_range_gets_a_clear_message_in_the_users_language_and_the_default_range()
    {
        using var http = fixture.Controller.Client();
        var path = $"/nodes/{FleetUiFixture.HistoryNode}?range=1nam";

        var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Khoảng thời gian «1nam» không hợp lệ; đang hiện 24 giờ.", body, StringComparison.Ordinal);
        Assert.Contains("class=\"charts\" data-range=\"24h\"", body, StringComparison.Ordinal);

        using var english = new HttpRequestMessage(HttpMethod.Get, path + new string('x', 500));
        english.Headers.Add("Cookie", $".AspNetCore.Culture=c={English}|uic={English}");
        var englishBody = await (await http.SendAsync(english)).Content.ReadAsStringAsync();
        Assert.Contains("The time range “1namxxxxxxxxxxxxxxxx…” is not valid; showing 24 hours.", englishBody, StringComparison.Ordinal);

        foreach (var text in new[] { body, englishBody })
        {
            Assert.DoesNotContain(" at SmartLoudspeaker.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Screenshots_of_every_page_at_phone_size_in_both_languages()
    {
        foreach (var culture in new[] { "vi-VN", English })
        {
            var suffix = culture == English ? "en" : "vi";
            var page = await fixture.NewPageAsync(culture);
            await page.GotoAsync("/");
            await FleetUiFixture.ScreenshotAsync(page, $"fleet-list-{suffix}");
            await page.SetViewportSizeAsync(1280, 800);
            await FleetUiFixture.ScreenshotAsync(page, $"fleet-list-desktop-{suffix}");
            await page.SetViewportSizeAsync(360, 740);
            await page.GotoAsync($"/nodes/{FleetUiFixture.HotNode}");
            await FleetUiFixture.ScreenshotAsync(page, $"node-{suffix}");
            await page.GotoAsync($"/nodes/{FleetUiFixture.HistoryNode}?range=30d");
            await FleetUiFixture.ScreenshotAsync(page, $"node-history-30d-{suffix}");
            await page.GotoAsync("/nodes/khong-co");
            await FleetUiFixture.ScreenshotAsync(page, $"not-found-{suffix}");
            await page.GotoAsync("/?state=banana&zone=" + new string('x', 300));
            await FleetUiFixture.ScreenshotAsync(page, $"bad-filter-{suffix}");
        }

        Assert.True(File.Exists(Path.Combine(FleetUiFixture.ScreenshotDirectory, "node-vi.png")));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/nodes/" + FleetUiFixture.HotNode)]
    [InlineData("/nodes/khong-co")]
    [InlineData("/?state=banana")]
    [InlineData("/nodes/" + FleetUiFixture.HistoryNode + "?range=7d")]
    public async Task Pages_have_no_serious_or_critical_accessibility_violations(string path)
    {
        foreach (var culture in new[] { "vi-VN", English })
        {
            var page = await fixture.NewPageAsync(culture);
            await page.GotoAsync(path);
            await PageChecks.AssertAccessibleAsync(page, output, $"{culture} {path}");
        }
    }

    [Fact]
    public async Task The_node_list_first_load_fits_the_page_budget()
    {
        using var http = fixture.Controller.Client(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });
        http.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");

        var html = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Contains(html.Content.Headers.ContentEncoding, encoding => encoding is "br" or "gzip");
        var total = (await html.Content.ReadAsByteArrayAsync()).Length;
        output.WriteLine($"HTML: {total} bytes ({string.Join(",", html.Content.Headers.ContentEncoding)})");

        using var plain = fixture.Controller.Client(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.All });
        var text = await plain.GetStringAsync(new Uri("/", UriKind.Relative));
        foreach (Match asset in AssetLink().Matches(text))
        {
            var response = await http.GetAsync(new Uri(WebUtility.HtmlDecode(asset.Groups["url"].Value), UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
            output.WriteLine($"{asset.Groups["url"].Value}: {bytes} bytes ({string.Join(",", response.Content.Headers.ContentEncoding)}), Cache-Control: {response.Headers.CacheControl}");
            total += bytes;
        }

        output.WriteLine($"Node list first load, {FleetUiFixture.Fleet.Count} nodes: {total} bytes compressed (budget {PageBudgetBytes}).");
        Assert.InRange(total, 1, PageBudgetBytes);
    }

    [Fact]
    public async Task The_favicon_is_linked_from_every_page_and_cached_for_a_year()
    {
        using var http = fixture.Controller.Client();
        foreach (var path in new[] { "/", "/nodes/" + FleetUiFixture.HotNode, "/nodes/khong-co" })
        {
            using var page = await http.GetAsync(new Uri(path, UriKind.Relative));
            var icon = FaviconLink().Match(await page.Content.ReadAsStringAsync());
            Assert.True(icon.Success, $"{path} links no icon: the browser would fetch /favicon.ico and get a 404 page.");
            using var response = await http.GetAsync(new Uri(WebUtility.HtmlDecode(icon.Groups["url"].Value), UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_message_in_the_users_language_and_no_stack_trace()
    {
        using var http = fixture.Controller.Client();
        // Long enough to be absurd, short enough for Kestrel's 8 KB request line (beyond it Kestrel answers 414 itself).
        var longValue = new string('z', 3000);

        var banana = await http.GetAsync(new Uri("/?state=banana", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, banana.StatusCode);
        var bananaText = await banana.Content.ReadAsStringAsync();
        Assert.Contains("Trạng thái «banana» không hợp lệ", bananaText, StringComparison.Ordinal);
        Assert.Contains("loa-thon1-a", bananaText, StringComparison.Ordinal);

        var unknownZone = await http.GetStringAsync(new Uri("/?zone=thon-99", UriKind.Relative));
        Assert.Contains("Không có khu vực «thon-99»", unknownZone, StringComparison.Ordinal);

        var huge = await http.GetAsync(new Uri($"/?zone={longValue}&sort={longValue}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        var hugeText = await huge.Content.ReadAsStringAsync();
        Assert.DoesNotContain(new string('z', 41), hugeText, StringComparison.Ordinal);

        var unknownNode = await http.GetAsync(new Uri("/nodes/khong-co", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknownNode.StatusCode);
        Assert.Contains("Không có cụm loa «khong-co»", await unknownNode.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var badId = await http.GetAsync(new Uri("/nodes/..%2F..%2Fetc", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, badId.StatusCode);

        using var englishRequest = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        englishRequest.Headers.Add("Cookie", $".AspNetCore.Culture=c={English}|uic={English}");
        var missingPage = await http.SendAsync(englishRequest);
        Assert.Equal(HttpStatusCode.NotFound, missingPage.StatusCode);
        Assert.Contains("This page does not exist", await missingPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var body in new[] { bananaText, unknownZone, hugeText })
        {
            Assert.DoesNotContain(" at SmartLoudspeaker.", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("vi-VN")]
    [InlineData(English)]
    public async Task Every_page_is_fully_translated(string culture)
    {
        using var http = fixture.Controller.Client();
        http.DefaultRequestHeaders.Add("Cookie", $".AspNetCore.Culture=c={culture}|uic={culture}");
        string[] paths =
        [
            "/", "/?state=offline", "/?state=banana&zone=Bad&sort=nope&dir=up", "/?zone=thon-99", "/nodes/" + FleetUiFixture.HotNode,
            "/nodes/loa-thon1-a", "/nodes/loa-thon1-a?range=6h", "/nodes/loa-thon1-a?range=7d", "/nodes/loa-thon1-a?range=30d",
            "/nodes/loa-thon1-a?range=bad", "/nodes/khong-co", "/no/such/page", "/error/500", "/error/400",
        ];
        foreach (var path in paths)
        {
            var body = await (await http.GetAsync(new Uri(path, UriKind.Relative))).Content.ReadAsStringAsync();
            Assert.False(body.Length == 0, $"{path} in {culture} is blank.");
            PageChecks.AssertTranslated(body);
            Assert.False(ResourceKey().IsMatch(body), $"{path} in {culture} shows a resource key: {ResourceKey().Match(body).Value}");
            Assert.Contains(culture == English ? "lang=\"en\"" : "lang=\"vi\"", body, StringComparison.Ordinal);
        }
    }

    private static async Task<int> PointsAsync(ILocator chart) =>
        int.Parse(await chart.GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\?range=7d#history$")]
    private static partial Regex RangeInUrl();

    [GeneratedRegex("""<link rel="icon"[^>]+href="(?<url>/favicon\.svg\?v=[^"]+)""")]
    private static partial Regex FaviconLink();

    [GeneratedRegex("""<(?:link|script)[^>]+(?:href|src)="(?<url>/[^"]+)""")]
    private static partial Regex AssetLink();

    [GeneratedRegex(@"\b(?:App|Nav|Fleet|Column|Filter|Node|Chart|Unit|Clock|Fault|Condition|Event|Severity|Error|NotFound|Layout|Live|Role|Language|Command|CommandType|CommandStatus|Refusal|Identity|Security|Range)\.[A-Za-z-]+\b")]
    private static partial Regex ResourceKey();
}
