using Microsoft.Playwright;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>The live updates survive a Controller restart: the page says it is reconnecting, then carries on by itself.</summary>
[Trait("Category", "Browser")]
public sealed class ReconnectTests(FleetUiFixture fixture) : IClassFixture<FleetUiFixture>
{
    [Fact]
    public async Task The_page_reconnects_by_itself_after_a_controller_restart_and_says_so_meanwhile()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var banner = page.Locator("#live-status");
        var row = page.Locator("tr[data-node='loa-thon1-a']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-c", "ok");
        await Assertions.Expect(banner).ToBeHiddenAsync();

        await fixture.Controller.StopAsync();
        var wait = new LocatorAssertionsToBeVisibleOptions { Timeout = (float)Eventually.Timeout.TotalMilliseconds };
        await Assertions.Expect(banner).ToBeVisibleAsync(wait);
        await Assertions.Expect(banner).ToContainTextAsync("Đang kết nối lại…");
        await FleetUiFixture.ScreenshotAsync(page, "fleet-list-reconnecting-vi");

        // The restarted controller knows the fleet but has heard nobody yet; the nodes come back by themselves.
        await fixture.Controller.StartAsync();
        await Assertions.Expect(banner).ToBeHiddenAsync(new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-c", "ok", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
    }
}
