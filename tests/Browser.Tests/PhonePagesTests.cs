using System.Globalization;
using Microsoft.Playwright;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// The technician's pages as tried on a phone (360 × 740): what changes live must change everywhere it shows (the total,
/// the order, the announcement of a sent command), an offline node says so where commands are sent, and a phone can
/// sort the list. Each test starts nodes of its own, so that the tests do not depend on each other's order.
/// </summary>
[Trait("Category", "Browser")]
public sealed class PhonePagesTests(FleetUiFixture fixture) : IClassFixture<FleetUiFixture>
{
    private static readonly LocatorAssertionsToHaveTextOptions SoonText = new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds };
    private static readonly LocatorAssertionsToHaveAttributeOptions SoonAttribute = new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds };
    private static readonly LocatorAssertionsToBeVisibleOptions SoonVisible = new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds };

    [Fact]
    public async Task A_node_that_appears_live_is_counted_in_the_total_and_placed_in_sort_order()
    {
        const string newcomer = "loa-thon0-moi";
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var total = page.Locator("[data-total]");
        var before = int.Parse((await total.TextContentAsync())!.Split(' ')[0], CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("#node-rows tr")).ToHaveCountAsync(before);

        await fixture.StartNodeAsync(newcomer, "thon-3");

        await Assertions.Expect(total).ToHaveTextAsync($"{before + 1} cụm loa", SoonText);
        var counts = await page.Locator("[data-count]").AllTextContentsAsync();
        Assert.Equal(before + 1, counts.Sum(count => int.Parse(count, CultureInfo.InvariantCulture)));

        // Sorted by id, "loa-thon0-…" comes before every "loa-thon1-…": first, not appended at the end.
        await Assertions.Expect(page.Locator("#node-rows tr").First).ToHaveAttributeAsync("data-node", newcomer, SoonAttribute);
        await FleetUiFixture.ScreenshotAsync(page, "phone-fleet-vi");
        await AssertNoSidewaysScrollAsync(page);
    }

    [Fact]
    public async Task The_sent_announcement_follows_the_outcome_and_does_not_come_back_on_reload()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/nodes/" + FleetUiFixture.HistoryNode);
        await Assertions.Expect(page.Locator("#offline-warning")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Hỏi thông tin nhận dạng" }).ClickAsync();
        var banner = page.GetByRole(AriaRole.Status).And(page.Locator("[data-sent]"));
        await Assertions.Expect(banner).ToBeVisibleAsync();
        Assert.DoesNotContain("sent=", page.Url, StringComparison.Ordinal);
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        await Assertions.Expect(banner).ToHaveAttributeAsync("data-s", "done", SoonAttribute);
        await Assertions.Expect(banner).ToHaveTextAsync("Cụm loa đã thực hiện lệnh «Hỏi thông tin nhận dạng».");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        await FleetUiFixture.ScreenshotAsync(page, "phone-node-online-vi");
        await AssertNoSidewaysScrollAsync(page);

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#command-rows > li").First).ToHaveAttributeAsync("data-s", "done");
        await Assertions.Expect(page.Locator("[data-sent]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_offline_node_warns_before_a_command_is_sent_and_marks_its_figures_as_old()
    {
        const string victim = "loa-thon3-tat";
        await fixture.StartNodeAsync(victim, "thon-3");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/nodes/" + victim);
        var warning = page.Locator("#offline-warning");
        await Assertions.Expect(warning).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".facts [data-f=temp]")).Not.ToContainTextAsync("cũ");

        await fixture.CutNodeAsync(victim);

        // On the open page, before the technician presses anything.
        await Assertions.Expect(warning).ToBeVisibleAsync(SoonVisible);
        await Assertions.Expect(warning).ToContainTextAsync("Cụm loa đang mất kết nối.");
        await Assertions.Expect(warning).ToContainTextAsync("gửi lại mỗi 20 giây");
        await Assertions.Expect(warning).ToContainTextAsync("trong vòng 5 phút");
        await Assertions.Expect(page.Locator(".facts [data-f=temp]")).ToContainTextAsync("số liệu cũ, lúc");
        await Assertions.Expect(page.Locator(".facts [data-f=clock]")).ToContainTextAsync("số liệu cũ, lúc");

        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi lại thông tin cụm loa" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-sent]")).ToHaveAttributeAsync("data-s", "pending");
        await Assertions.Expect(page.Locator("#offline-warning")).ToBeVisibleAsync();
        await FleetUiFixture.ScreenshotAsync(page, "phone-node-offline-vi");
        await AssertNoSidewaysScrollAsync(page);

        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator($"tr[data-node='{victim}'] [data-f=temp]")).ToContainTextAsync("số liệu cũ");
    }

    [Fact]
    public async Task A_phone_sorts_the_list_by_state_and_a_node_that_goes_offline_moves_to_the_top_with_no_hidden_focus_stops()
    {
        const string victim = "loa-thon9-sap";
        await fixture.StartNodeAsync(victim, "thon-3");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");

        await page.GetByLabel("Sắp xếp theo").SelectOptionAsync("state");
        await page.GetByRole(AriaRole.Button, new() { Name = "Áp dụng" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("sort=state"));
        Assert.True(await InStateOrderAsync(page));
        var rows = page.Locator("#node-rows tr");
        // A fine node with the highest id: the bottom of the list, until it goes offline.
        await Assertions.Expect(rows.Last).ToHaveAttributeAsync("data-node", victim);

        await fixture.CutNodeAsync(victim);

        var row = page.Locator($"tr[data-node='{victim}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-c", "offline", SoonAttribute);
        Assert.True(await InStateOrderAsync(page), "Offline rows come first, faulty ones next, then the rest.");
        await Assertions.Expect(rows.Last).Not.ToHaveAttributeAsync("data-node", victim);
        await FleetUiFixture.ScreenshotAsync(page, "phone-fleet-sorted-by-state-vi");
        await AssertNoSidewaysScrollAsync(page);

        // Every keyboard stop is something a sighted phone user can see.
        var invisible = new List<string>();
        for (var stop = 0; stop < 60; stop++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string?>(
                """
                () => {
                  const element = document.activeElement;
                  if (!element || element === document.body) { return null; }
                  element.scrollIntoView({ block: "center" });
                  const box = element.getBoundingClientRect();
                  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
                  return hit && (hit === element || element.contains(hit)) ? "" : element.outerHTML.slice(0, 120);
                }
                """);
            if (focused is null)
            {
                break;
            }

            if (focused.Length > 0)
            {
                invisible.Add(focused);
            }
        }

        Assert.True(invisible.Count == 0, "Invisible keyboard stops: " + string.Join("\n", invisible));
    }

    /// <summary>Nothing is wider than the phone: the page never scrolls sideways.</summary>
    private static async Task AssertNoSidewaysScrollAsync(IPage page)
    {
        var (content, viewport) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), page.ViewportSize!.Width);
        Assert.True(content <= viewport, $"{page.Url} is {content} px wide on a {viewport} px screen.");
    }

    /// <summary>True when the rows go offline, then faulty, then fine (the order of "sort by state, ascending").</summary>
    private static async Task<bool> InStateOrderAsync(IPage page) =>
        await page.EvaluateAsync<bool>(
            """
            () => {
              const rank = { offline: 0, fault: 1, ok: 2 };
              const states = [...document.querySelectorAll("#node-rows tr")].map(row => rank[row.getAttribute("data-c")]);
              return states.every((state, i) => i === 0 || states[i - 1] <= state);
            }
            """);
}
