using Microsoft.Playwright;
using SmartLoudspeaker.TestUtilities;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>The test tone on the node and zone pages, in a real Chromium against a real Controller, Mosquitto and a node that plays.</summary>
[Trait("Category", "Browser")]
public sealed class TestTonePageTests(TestToneUiFixture fixture, ITestOutputHelper output) : IClassFixture<TestToneUiFixture>
{
    private static readonly float Soon = (float)Eventually.Timeout.TotalMilliseconds;

    [Fact]
    public async Task A_technician_plays_a_test_tone_and_sees_it_acknowledged_started_and_finished()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/nodes/" + TestToneUiFixture.AudioNode);
        var section = page.Locator("#audio");
        await Assertions.Expect(section.Locator("[data-audio-state]")).ToHaveTextAsync("Đang rảnh", new() { Timeout = Soon });
        await Assertions.Expect(section.Locator("[data-f=offset]")).ToContainTextAsync("ms");

        await page.GetByLabel("Thời lượng (1–60 giây)").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Phát âm thử", Exact = true }).ClickAsync();
        var banner = page.Locator("[data-sent]");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        Assert.EndsWith("#audio", page.Url, StringComparison.Ordinal);
        var commandId = (await banner.GetAttributeAsync("data-sent"))!;
        var line = page.Locator($"[data-cmd='{commandId}']");
        await Assertions.Expect(line.Locator("[data-f=type]")).ToHaveTextAsync("Phát âm thử");
        await Assertions.Expect(line).ToHaveAttributeAsync("data-s", "done", new() { Timeout = Soon });

        // The page offers to stop the tone it just sent, by its play id, before the node reports anything.
        var playId = (await page.Locator("[data-stop]").GetAttributeAsync("data-stop"))!;
        Assert.Matches("^tone-[0-9a-f]{12}$", playId);

        // From here on the page must not load again: the reports arrive on the live stream.
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        await Assertions.Expect(page.Locator($"[data-play='{playId}'][data-code='started']")).ToBeVisibleAsync(new() { Timeout = Soon });
        await Assertions.Expect(page.Locator($"[data-play='{playId}'][data-code='started']")).ToContainTextAsync($"Bắt đầu phát {playId}.");
        await Assertions.Expect(page.Locator($"[data-play='{playId}'][data-code='finished']")).ToBeVisibleAsync(new() { Timeout = Soon });
        await Assertions.Expect(page.Locator($"[data-play='{playId}'][data-code='finished']")).ToContainTextAsync($"Đã phát xong {playId}.");

        // Finished: nothing is left to stop.
        await Assertions.Expect(page.Locator("[data-stop]")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        await page.Locator("#audio").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(FleetUiFixture.ScreenshotDirectory, "node-audio-vi.png") });
        await FleetUiFixture.ScreenshotAsync(page, "node-audio-vi-full");
        await PageChecks.AssertFitsAsync(page);
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertAccessibleAsync(page, output, "node-audio-vi");
    }

    [Fact]
    public async Task A_sounding_tone_is_stopped_from_the_page_and_reported_stopped()
    {
        var page = await fixture.NewPageAsync("en-GB");
        await page.GotoAsync("/nodes/" + TestToneUiFixture.AudioNode);
        await page.GetByLabel("Length (1–60 seconds)").FillAsync("60");
        await page.GetByRole(AriaRole.Button, new() { Name = "Play a test tone", Exact = true }).ClickAsync();
        var playId = (await page.Locator("[data-stop]").GetAttributeAsync("data-stop"))!;
        await Assertions.Expect(page.Locator($"[data-play='{playId}'][data-code='started']")).ToBeVisibleAsync(new() { Timeout = Soon });

        // Sounding: its newest report is "started", so the page offers to stop it after any reload.
        await Assertions.Expect(page.Locator($"[data-stop='{playId}']")).ToBeVisibleAsync();
        await page.Locator("#audio").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(FleetUiFixture.ScreenshotDirectory, "node-audio-playing-en.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true }).ClickAsync();
        var line = page.Locator("#command-rows > li").First;
        await Assertions.Expect(line.Locator("[data-f=type]")).ToHaveTextAsync("Stop a play");
        await Assertions.Expect(line).ToHaveAttributeAsync("data-s", "done", new() { Timeout = Soon });
        await Assertions.Expect(page.Locator($"[data-play='{playId}'][data-code='finished']")).ToBeVisibleAsync(new() { Timeout = Soon });
        await Assertions.Expect(page.Locator($"[data-play='{playId}'][data-code='finished']")).ToContainTextAsync("Reason: someone stopped it.");
        await Assertions.Expect(page.Locator("[data-stop]")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_tone_out_of_range_is_refused_with_a_clear_message_and_a_node_without_audio_says_so()
    {
        var page = await fixture.NewPageAsync("en-GB");
        await page.GotoAsync("/nodes/" + TestToneUiFixture.AudioNode);

        // The browser's own min/max check is switched off: the server must not rely on it.
        await page.EvaluateAsync("() => document.querySelector('.tone-form').noValidate = true");
        await page.GetByLabel("Length (1–60 seconds)").FillAsync("90");
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Play a test tone", Exact = true }).ClickAsync(),
            response => response.Request.Method == "POST");
        Assert.Equal(400, refused.Status);
        await Assertions.Expect(page.Locator("#tone-problem")).ToHaveTextAsync(
            "The length must be a whole number from 1 to 60 seconds and the frequency from 100 to 8000 Hz.");
        await Assertions.Expect(page.GetByLabel("Length (1–60 seconds)")).ToHaveValueAsync("90");
        await Assertions.Expect(page.GetByLabel("Length (1–60 seconds)")).ToHaveAttributeAsync("aria-invalid", "true");
        await PageChecks.AssertFitsAsync(page);
        await FleetUiFixture.ScreenshotAsync(page, "node-audio-invalid-en");

        await page.GotoAsync("/nodes/" + TestToneUiFixture.SilentNode);
        await Assertions.Expect(page.Locator("#audio [data-no-audio]")).ToHaveTextAsync("This node has no audio output (Node:Audio:Device not set).");
        await Assertions.Expect(page.Locator(".tone-form")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_test_tone_to_a_zone_is_one_command_that_its_node_plays()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/zones");
        var card = page.Locator($"[data-zone='{TestToneUiFixture.AudioZone}']");
        await card.GetByRole(AriaRole.Button, new() { Name = "Phát âm thử cho cả vùng" }).ClickAsync();
        await Assertions.Expect(page.Locator("p.sent[role=status]")).ToContainTextAsync("Đã gửi âm thử cho vùng " + TestToneUiFixture.AudioZone);
        await PageChecks.AssertFitsAsync(page);
        await FleetUiFixture.ScreenshotAsync(page, "zones-tone-vi");

        // The node's page lists the zone's command among its own, and its tone starts.
        await page.GotoAsync("/nodes/" + TestToneUiFixture.AudioNode);
        var zoneCommand = page.Locator("#command-rows > li", new() { HasText = "Phát âm thử" }).First;
        await Assertions.Expect(zoneCommand).ToHaveAttributeAsync("data-s", "done", new() { Timeout = Soon });
        // Reports are newest first: the zone's tone, sent after every other test's, starts on the open page.
        await Assertions.Expect(page.Locator("[data-play-reports] > li").First).ToHaveAttributeAsync("data-code", "started", new() { Timeout = Soon });
    }
}
