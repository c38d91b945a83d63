using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Formatter;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// The technician's Broker page on a 360×740 phone, script off, in a real Chromium against a real Controller whose
/// embedded broker has just refused an anonymous client and seen a node take over its own session.
/// </summary>
[Trait("Category", "Browser")]
public sealed class BrokerPageTests(IdentityUiFixture fixture, ITestOutputHelper output) : IClassFixture<IdentityUiFixture>
{
    private const string English = "en-GB";

    [Theory]
    [InlineData(null, "broker-refusals-vi", "Broker MQTT", "Kết nối không có tên đăng nhập. Broker không nhận khách vô danh.", "Hiện mật khẩu")]
    [InlineData(English, "broker-refusals-en", "MQTT broker", "A connection without a username. The broker lets no anonymous client in.", "Show password")]
    public async Task A_technician_sees_what_the_broker_refused_and_who_took_over_a_session(
        string? culture, string screenshot, string title, string anonymousInWords, string showPassword)
    {
        await RefuseAnAnonymousClientAsync();
        var page = await fixture.NewPageAsync(culture);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();

        await Assertions.Expect(page.Locator("li[data-reason='anonymous']")).ToContainTextAsync(anonymousInWords);
        await Assertions.Expect(page.Locator("li[data-source='127.0.0.1']")).ToBeVisibleAsync();
        var newest = page.Locator("li[data-refusal='anonymous']").First;
        await Assertions.Expect(newest.Locator("[data-f='source']")).ToContainTextAsync("127.0.0.1:");
        await Assertions.Expect(newest.Locator("[data-f='client-id']")).ToHaveTextAsync("sim-anon");

        var password = await page.Locator("[data-f='observer-password']").TextContentAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = showPassword, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-f='observer-command']")).ToContainTextAsync("-u observer -P '");
        Assert.NotEqual(password, await page.Locator("[data-f='observer-password']").TextContentAsync());
        await page.GotoAsync("/broker");

        Assert.DoesNotContain("⟦missing:", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.InRange(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), 1, 360);
        await FleetUiFixture.ScreenshotAsync(page, screenshot);

        var result = await page.RunAxe();
        foreach (var violation in result.Violations)
        {
            output.WriteLine($"{culture}: {violation.Impact} {violation.Id}: {violation.Help} ({violation.Nodes.Length} elements)");
        }

        Assert.DoesNotContain(result.Violations, violation => violation.Impact is "serious" or "critical");
    }

    [Fact]
    public async Task A_node_that_takes_over_its_own_session_is_counted_on_the_page()
    {
        var node = await fixture.EnrolWithTokenAsync("loa-thon2-c");
        using var first = await fixture.ConnectAsync(node);
        using var second = await fixture.ConnectAsync(node);

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/broker");
        await Assertions.Expect(page.Locator("li[data-takeover='loa-thon2-c'] [data-count]")).ToHaveTextAsync("1");
    }

    private async Task RefuseAnAnonymousClientAsync()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", fixture.Controller.MqttPort)
            .WithClientId("sim-anon")
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(15))
            .Build());
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }
}
