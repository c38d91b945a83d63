using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// The technician's enrolment and enrolled-nodes pages on a 360×740 phone, script off, in a real Chromium against a
/// real Controller whose nodes enrol the real way.
/// </summary>
[Trait("Category", "Browser")]
public sealed partial class IdentityPagesTests(IdentityUiFixture fixture, ITestOutputHelper output) : IClassFixture<IdentityUiFixture>
{
    private const string English = "en-GB";

    [Fact]
    public async Task A_node_asks_to_join_the_technician_approves_it_on_the_page_and_it_is_enrolled_and_may_connect()
    {
        var node = await fixture.AskToJoinAsync("loa-thon3-moi", "thon-3");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Đăng ký", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/enrolment$"));

        var card = page.Locator("li[data-request='loa-thon3-moi']");
        await Assertions.Expect(card.Locator(".fingerprint")).ToHaveAttributeAsync("data-fingerprint", node.Fingerprint);
        await Assertions.Expect(card.Locator(".why")).ToContainTextAsync("Cụm loa mới.");
        await Assertions.Expect(card.GetByRole(AriaRole.Checkbox, new() { Name = "thon-3" })).ToBeCheckedAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Checkbox, new() { Name = "thon-1" })).Not.ToBeCheckedAsync();
        await PageChecks.AssertFitsAsync(page);
        await FleetUiFixture.ScreenshotAsync(page, "enrolment-pending-vi");

        await card.GetByLabel("Khu vực khác (mã, cách nhau bằng dấu phẩy)").FillAsync("thon-4");
        await card.GetByRole(AriaRole.Button, new() { Name = "Duyệt" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Đã duyệt cụm loa loa-thon3-moi: nó được cấp tài khoản và sẽ kết nối lại ngay.");
        await Assertions.Expect(page.Locator("li[data-request='loa-thon3-moi']")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Đã đăng ký", Exact = true }).ClickAsync();
        var enrolled = page.Locator("li[data-identity='loa-thon3-moi']");
        await Assertions.Expect(enrolled).ToHaveAttributeAsync("data-status", "enrolled");
        await Assertions.Expect(enrolled.Locator("[data-zones]")).ToHaveTextAsync("thon-3, thon-4");
        await Assertions.Expect(enrolled.Locator(".fingerprint")).ToHaveAttributeAsync("data-fingerprint", node.Fingerprint);

        Assert.Equal("enrolled", await StatusAsync("loa-thon3-moi"));
    }

    [Fact]
    public async Task A_token_is_made_on_the_page_shown_once_with_how_to_put_it_in_node_json()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/enrolment");
        var form = page.Locator("#token-form");
        await form.GetByRole(AriaRole.Checkbox, new() { Name = "thon-2" }).CheckAsync();
        await form.GetByLabel("Hiệu lực (số ngày, 1–366)").FillAsync("30");
        await form.GetByLabel("Số cụm loa tối đa").FillAsync("40");
        await form.GetByRole(AriaRole.Button, new() { Name = "Tạo mã đăng ký" }).ClickAsync();

        var shown = page.Locator("#new-token");
        await Assertions.Expect(shown).ToContainTextAsync("Mã này chỉ hiện một lần.");
        var token = await shown.Locator("[data-token]").InputValueAsync();
        Assert.Matches(TokenShape(), token);
        await Assertions.Expect(shown.Locator(".node-json")).ToHaveTextAsync($"{{ \"Node\": {{ \"Enrolment\": {{ \"Token\": \"{token}\" }} }} }}");
        await PageChecks.AssertFitsAsync(page);
        await shown.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(FleetUiFixture.ScreenshotDirectory, "enrolment-token-vi.png") });

        // Listed without its secret from now on.
        await page.GotoAsync("/enrolment");
        var id = token[..token.IndexOf('.', StringComparison.Ordinal)];
        await Assertions.Expect(page.Locator($"li[data-token-id='{id}']")).ToContainTextAsync("0 / 40");
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vi-VN", "identities-vi", "Cụm loa báo thuộc khu vực thon-1, thon-9 nhưng chỉ được duyệt thon-1.")]
    [InlineData(English, "identities-en", "The node says it serves thon-1, thon-9 but is approved for thon-1 only.")]
    public async Task The_enrolled_nodes_page_shows_fingerprints_last_seen_and_a_zone_mismatch_and_fits_a_phone(string culture, string screenshot, string mismatch)
    {
        // Script on: axe runs as a script in the page (the page itself needs none).
        var page = await fixture.NewPageAsync(culture, script: true);
        await page.GotoAsync("/identities");
        var born = page.Locator($"li[data-identity='{IdentityUiFixture.BornNode}']");
        await Assertions.Expect(born.Locator(".zone-mismatch")).ToContainTextAsync(mismatch);
        await Assertions.Expect(born.GetByRole(AriaRole.Link, new() { Name = IdentityUiFixture.BornNode })).ToHaveAttributeAsync("href", $"/nodes/{IdentityUiFixture.BornNode}");
        await Assertions.Expect(page.Locator($"li[data-identity='{IdentityUiFixture.SilentNode}']")).ToContainTextAsync(culture == English ? "Not connected yet" : "Chưa kết nối");
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertFitsAsync(page);
        await FleetUiFixture.ScreenshotAsync(page, screenshot);

        await PageChecks.AssertAccessibleAsync(page, output, culture);
    }

    [Fact]
    public async Task Revoking_asks_for_confirmation_on_its_own_page_then_cuts_the_node_off()
    {
        var node = await fixture.EnrolWithTokenAsync("loa-thu-hoi");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/identities");
        await page.Locator("li[data-identity='loa-thu-hoi']").GetByRole(AriaRole.Link, new() { Name = "Thu hồi" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/identities/loa-thu-hoi/revoke$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Thu hồi loa-thu-hoi?");
        await PageChecks.AssertFitsAsync(page);
        await FleetUiFixture.ScreenshotAsync(page, "revoke-confirm-vi");

        await page.GetByRole(AriaRole.Button, new() { Name = "Thu hồi ngay" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Đã thu hồi loa-thu-hoi: nó đã bị ngắt và không kết nối lại được.");
        await Assertions.Expect(page.Locator("li[data-identity='loa-thu-hoi']")).ToHaveAttributeAsync("data-status", "revoked");
        Assert.Equal("revoked", await StatusAsync(node.NodeId));
    }

    [Fact]
    public async Task Rotating_a_key_asks_for_confirmation_on_its_own_page_then_shows_the_rotation_under_way_and_fits_a_phone()
    {
        var node = await fixture.EnrolWithTokenAsync("loa-doi-khoa");
        using var client = await fixture.ConnectAsync(node);
        await IdentityUiFixture.PublishBirthAsync(client, node.NodeId, "thon-1");
        using var http = fixture.Controller.Client();
        using (var deadline = new CancellationTokenSource(Eventually.Timeout))
        {
            // The birth is ingested asynchronously; a node the fleet has not seen cannot be sent a command yet.
            while (!(await http.GetAsync(new Uri($"/api/nodes/{node.NodeId}", UriKind.Relative), deadline.Token)).IsSuccessStatusCode)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
        }

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/identities");
        await page.Locator("li[data-identity='loa-doi-khoa']").GetByRole(AriaRole.Link, new() { Name = "Đổi khoá" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/identities/loa-doi-khoa/rotate$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Đổi khoá của loa-doi-khoa?");
        await PageChecks.AssertFitsAsync(page);
        await FleetUiFixture.ScreenshotAsync(page, "rotate-confirm-vi");

        await page.GetByRole(AriaRole.Button, new() { Name = "Đổi khoá ngay" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã yêu cầu loa-doi-khoa đổi khoá");
        var rotating = page.Locator("li[data-identity='loa-doi-khoa'] [data-rotation='rotating']");
        await Assertions.Expect(rotating).ToContainTextAsync("đang đổi khoá, từ");
        await PageChecks.AssertFitsAsync(page);
        await FleetUiFixture.ScreenshotAsync(page, "identities-rotating-vi");
        var identity = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/identities/{node.NodeId}");
        Assert.Equal("rotating", identity.GetProperty("rotation").GetProperty("state").GetString());
    }

    /// <summary>The identity's status as the technician's API reports it.</summary>
    private async Task<string?> StatusAsync(string nodeId)
    {
        using var http = fixture.Controller.Client();
        var identity = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/identities/{nodeId}");
        return identity.GetProperty("status").GetString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]{16,}$")]
    private static partial Regex TokenShape();
}
