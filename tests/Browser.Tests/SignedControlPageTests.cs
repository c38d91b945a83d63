using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartLoudspeaker.TestUtilities;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>Signed control on the node page, in a real Chromium against a real Controller, Mosquitto and nodes.</summary>
[Trait("Category", "Browser")]
public sealed class SignedControlPageTests(SignedControlUiFixture fixture, ITestOutputHelper output) : IClassFixture<SignedControlUiFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds };

    [Fact]
    public async Task A_technician_clicks_Identify_and_sees_the_acknowledgement_and_identity_without_reloading()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/nodes/" + SignedControlUiFixture.IdentifyNode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Hỏi thông tin nhận dạng" }).ClickAsync();
        var banner = page.Locator("[data-sent]");
        await Assertions.Expect(banner).ToBeVisibleAsync();

        // From here on the page must not load again: a marker set now would vanish with a reload.
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        var commandId = (await banner.GetAttributeAsync("data-sent"))!;
        var line = page.Locator($"[data-cmd='{commandId}']");
        await Assertions.Expect(line).ToHaveAttributeAsync("data-s", "done", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
        await Assertions.Expect(line.Locator("[data-f=status]")).ToHaveTextAsync("Đã thực hiện");
        await Assertions.Expect(line.Locator("dt")).ToHaveTextAsync(
            ["Phần mềm", "Phần cứng", "Phiên kết nối", "Thời gian chạy", "Đồng hồ tin cậy", "Số thứ tự lệnh cao nhất"]);
        await Assertions.Expect(line.Locator("dd").Nth(1)).Not.ToBeEmptyAsync();

        // A command sent elsewhere (the API, another technician) appears on the open page, pending then done.
        using var http = fixture.Controller.Client();
        var other = await CommandTraffic.IssueAsync(http, SignedControlUiFixture.IdentifyNode, "rebirth");
        await Assertions.Expect(page.Locator($"[data-cmd='{other}']")).ToHaveAttributeAsync("data-s", "done", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
        await Assertions.Expect(page.Locator($"[data-cmd='{other}'] [data-f=type]")).ToHaveTextAsync("Gửi lại thông tin cụm loa");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
    }

    [Fact]
    public async Task Rebirth_and_heartbeat_forms_work_and_a_heartbeat_out_of_range_is_refused_with_a_clear_message()
    {
        var node = SignedControlUiFixture.IdentifyNode;
        var page = await fixture.NewPageAsync("en-GB");
        await page.GotoAsync("/nodes/" + node);

        // The browser's own min/max check is switched off: the server must not rely on it.
        await page.EvaluateAsync("() => document.querySelector('.heartbeat-form').noValidate = true");
        await page.GetByLabel("Heartbeat (10–300 seconds)").FillAsync("5");
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Set heartbeat" }).ClickAsync(),
            response => response.Request.Method == "POST");
        Assert.Equal(400, refused.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The heartbeat must be a whole number from 10 to 300 seconds (you entered “5”)");
        await Assertions.Expect(page.GetByLabel("Heartbeat (10–300 seconds)")).ToHaveAttributeAsync("aria-invalid", "true");
        await FleetUiFixture.ScreenshotAsync(page, "node-commands-heartbeat-invalid-en");

        await page.GetByLabel("Heartbeat (10–300 seconds)").FillAsync("12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set heartbeat" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-sent]")).ToBeVisibleAsync();
        var line = page.Locator("#command-rows > li").First;
        await Assertions.Expect(line.Locator("[data-f=type]")).ToHaveTextAsync("Set heartbeat");
        await Assertions.Expect(line).ToHaveAttributeAsync("data-s", "done", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
        Assert.Equal(TimeSpan.FromSeconds(12), fixture.Agent(node).Heartbeat);

        // The node's new interval shows without a reload (it comes with the node's new birth).
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        await Assertions.Expect(page.Locator(".facts [data-f=heartbeat]")).ToHaveTextAsync("12 s", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));

        // The announcement names the previous command: wait for the one naming the new command.
        var previous = await page.Locator("[data-sent]").GetAttributeAsync("data-sent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend node information" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-sent]")).Not.ToHaveAttributeAsync("data-sent", previous!);
        await Assertions.Expect(page.Locator("#command-rows > li").First.Locator("[data-f=type]")).ToHaveTextAsync("Resend node information");
        await Assertions.Expect(page.Locator("#command-rows > li").First).ToHaveAttributeAsync("data-s", "done", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
    }

    [Fact]
    public async Task A_captured_Identify_envelope_published_again_is_refused_as_replayed_and_shown_as_a_security_event()
    {
        var node = SignedControlUiFixture.ReplayNode;
        await using var eavesdropper = await MqttProbe.ConnectAsync(
            fixture.Mosquitto.Port, "eavesdropper-" + Guid.NewGuid().ToString("N")[..8], CommandTraffic.CommandTopic(node), CommandTraffic.AckTopic(node));
        using var http = fixture.Controller.Client();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/nodes/" + node);
        await Assertions.Expect(page.Locator("#security")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Hỏi thông tin nhận dạng" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-sent]")).ToBeVisibleAsync();
        var captured = (await eavesdropper.WaitForTopicAsync(CommandTraffic.CommandTopic(node), Eventually.Timeout)).Payload;
        var commandId = CommandTraffic.CommandIdOf(captured);
        var first = await CommandTraffic.AckAsync(eavesdropper, node, commandId);
        Assert.Equal("done", first.Status);

        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        // At once, the same bytes again: what someone who captured them sends. Refused, reported, shown live.
        await eavesdropper.PublishAsync(CommandTraffic.CommandTopic(node), captured);
        var replay = await CommandTraffic.AckAsync(eavesdropper, node, commandId, occurrence: 2);
        Assert.Equal(("refused", "replayed"), (replay.Status, replay.Reason));

        var panel = page.Locator("#security");
        await Assertions.Expect(panel).ToBeVisibleAsync(Soon);
        await Assertions.Expect(panel.GetByRole(AriaRole.Heading)).ToContainTextAsync("Cảnh báo an ninh: 1 lệnh bị từ chối");
        await Assertions.Expect(panel.Locator("li[data-code=replayed]")).ToContainTextAsync("Lệnh bị phát lại (đã nhận trước đó)");
        await Assertions.Expect(panel.Locator("li[data-code=replayed]")).ToContainTextAsync(commandId);
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));

        // The technician's command stays "done", on the page and in the API: what the node answered to the replay is a
        // security event, not the command's outcome.
        await Assertions.Expect(page.Locator($"[data-cmd='{commandId}']")).ToHaveAttributeAsync("data-s", "done");
        var view = await http.GetFromJsonAsync<JsonElement>($"/api/commands/{commandId}");
        Assert.Equal("done", view.GetProperty("outcomes")[0].GetProperty("status").GetString());
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#security li[data-code=replayed]")).ToBeVisibleAsync();

        // The fleet list marks the node (from its refusal count in health, which comes within a heartbeat).
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator($"tr[data-node='{node}'] .sec-badge")).ToHaveTextAsync("1 lệnh bị từ chối", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
    }

    [Fact]
    public async Task The_same_replay_done_at_once_with_mosquitto_pub_from_a_file_is_refused_as_replayed()
    {
        var node = SignedControlUiFixture.MosquittoPubNode;
        await using var eavesdropper = await MqttProbe.ConnectAsync(
            fixture.Mosquitto.Port, "eavesdropper-" + Guid.NewGuid().ToString("N")[..8], CommandTraffic.CommandTopic(node), CommandTraffic.AckTopic(node));
        using var http = fixture.Controller.Client();
        var commandId = await CommandTraffic.IssueAsync(http, node, "identify");
        var captured = (await eavesdropper.WaitForTopicAsync(CommandTraffic.CommandTopic(node), Eventually.Timeout)).Payload;
        Assert.Equal(commandId, CommandTraffic.CommandIdOf(captured));
        Assert.Equal("done", (await CommandTraffic.AckAsync(eavesdropper, node, commandId)).Status);

        var file = Path.Combine(Path.GetTempPath(), "sl-captured-" + Guid.NewGuid().ToString("N") + ".bin");
        await File.WriteAllBytesAsync(file, captured);
        try
        {
            using var mosquittoPub = Process.Start(new ProcessStartInfo(
                "mosquitto_pub",
                ["-h", "127.0.0.1", "-p", fixture.Mosquitto.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-t", CommandTraffic.CommandTopic(node), "-f", file])
            {
                RedirectStandardError = true,
            })!;
            await mosquittoPub.WaitForExitAsync().WaitAsync(Eventually.Timeout);
            Assert.True(mosquittoPub.ExitCode == 0, await mosquittoPub.StandardError.ReadToEndAsync());
        }
        finally
        {
            File.Delete(file);
        }

        var replay = await CommandTraffic.AckAsync(eavesdropper, node, commandId, occurrence: 2);
        Assert.Equal(("refused", "replayed"), (replay.Status, replay.Reason));
        var page = await fixture.NewPageAsync("en-GB");
        await page.GotoAsync("/nodes/" + node);
        await Assertions.Expect(page.Locator("#security li[data-code=replayed]")).ToContainTextAsync("Replayed command (already received)", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });
    }

    [Fact]
    public async Task The_node_page_with_commands_and_a_security_alert_has_no_serious_accessibility_violations_and_is_photographed()
    {
        var node = SignedControlUiFixture.PanelNode;
        await using var attacker = await MqttProbe.ConnectAsync(fixture.Mosquitto.Port, "attacker-" + Guid.NewGuid().ToString("N")[..8], CommandTraffic.AckTopic(node));
        using var http = fixture.Controller.Client();
        var identify = await CommandTraffic.IssueAsync(http, node, "identify");
        Assert.Equal("done", (await CommandTraffic.AckAsync(attacker, node, identify)).Status);

        // An unsigned command, as anyone on the broker could send: refused as malformed, and reported.
        await attacker.PublishAsync(
            CommandTraffic.CommandTopic(node),
            System.Text.Encoding.UTF8.GetBytes(
                """{"v":1,"id":"forged-1","kid":"controller-demo","target":{"node":"NODE"},"ts":"2026-01-01T00:00:00+00:00","exp":"2026-01-01T00:05:00+00:00","seq":1,"type":"emergency-test","body":{}}"""
                    .Replace("NODE", node, StringComparison.Ordinal)));
        foreach (var culture in new[] { "vi-VN", "en-GB" })
        {
            var page = await fixture.NewPageAsync(culture);
            await page.GotoAsync("/nodes/" + node);
            await Assertions.Expect(page.Locator("#security li[data-code=malformed]")).ToBeVisibleAsync(Soon);
            await Assertions.Expect(page.Locator($"[data-cmd='{identify}'] dl.identity dt")).ToHaveCountAsync(6);
            var suffix = culture == "en-GB" ? "en" : "vi";
            await FleetUiFixture.ScreenshotAsync(page, "node-commands-" + suffix);

            await PageChecks.AssertAccessibleAsync(page, output, culture);
        }

        Assert.True(File.Exists(Path.Combine(FleetUiFixture.ScreenshotDirectory, "node-commands-vi.png")));
    }
}
