using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// The technician's Broker page on a 360×740 phone, script off, in a real Chromium against a real Controller whose
/// embedded broker has just refused real clients (an anonymous one, a node reaching for another node's commands) and
/// seen a node take over its own session. Every refusal is awaited to its CONNACK or SUBACK: the broker records it
/// while deciding, before it answers, so a page loaded afterwards shows it without polling. Every wait is bounded.
/// </summary>
[Trait("Category", "Browser")]
public sealed class BrokerPageTests(IdentityUiFixture fixture, ITestOutputHelper output) : IClassFixture<IdentityUiFixture>
{
    private const string English = "en-GB";
    private const string ForeignCommands = "sl/v1/node/loa-thon1-b/cmd";
    private static readonly LocatorAssertionsToContainTextOptions SoonContains = new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds };
    private static readonly LocatorAssertionsToHaveTextOptions SoonText = new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds };
    private static readonly LocatorAssertionsToBeVisibleOptions SoonVisible = new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds };

    [Theory]
    [InlineData(null, "loa-thon2-vi", "broker-refusals-vi", "Broker MQTT", "Kết nối không có tên đăng nhập. Broker không nhận khách vô danh.", "Đăng ký nghe một chủ đề mà tài khoản này không được phép nghe.", "Hiện mật khẩu")]
    [InlineData(English, "loa-thon2-en", "broker-refusals-en", "MQTT broker", "A connection without a username. The broker lets no anonymous client in.", "A subscription to a topic this account may not read.", "Show password")]
    public async Task A_technician_sees_what_the_broker_refused_and_who_took_over_a_session(
        string? culture, string nodeId, string screenshot, string title, string anonymousInWords, string subscribeInWords, string showPassword)
    {
        await RefuseAnAnonymousClientAsync();
        await RefuseASubscriptionAndTakeOverTheSessionAsync(nodeId);

        var page = await fixture.NewPageAsync(culture);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync(SoonVisible);

        await Assertions.Expect(page.Locator("li[data-reason='anonymous']")).ToContainTextAsync(anonymousInWords, SoonContains);
        await Assertions.Expect(page.Locator("li[data-reason='subscribe-not-permitted']")).ToContainTextAsync(subscribeInWords, SoonContains);
        await Assertions.Expect(page.Locator("li[data-source='127.0.0.1']")).ToBeVisibleAsync(SoonVisible);
        var anonymous = page.Locator("li[data-refusal='anonymous']").First;
        await Assertions.Expect(anonymous.Locator("[data-f='source']")).ToContainTextAsync("127.0.0.1:", SoonContains);
        await Assertions.Expect(anonymous.Locator("[data-f='client-id']")).ToHaveTextAsync("sim-anon", SoonText);
        var subscription = page.Locator("li[data-refusal='subscribe-not-permitted']").First;
        await Assertions.Expect(subscription.Locator("[data-f='username']")).ToHaveTextAsync(nodeId, SoonText);
        await Assertions.Expect(subscription.Locator("[data-f='topic']")).ToHaveTextAsync(ForeignCommands, SoonText);
        await Assertions.Expect(page.Locator($"li[data-takeover='{nodeId}'] [data-count]")).ToHaveTextAsync("1", SoonText);

        var observer = page.Locator("[data-f='observer-command']");
        await Assertions.Expect(observer).ToContainTextAsync("-u observer -P '••••••'", SoonContains);
        await page.GetByRole(AriaRole.Link, new() { Name = showPassword, Exact = true }).ClickAsync();
        await Assertions.Expect(observer).ToContainTextAsync("-u observer -P '", SoonContains);
        await Assertions.Expect(observer).Not.ToContainTextAsync("••••••", new() { Timeout = (float)Eventually.Timeout.TotalMilliseconds });

        await page.GotoAsync("/broker");
        PageChecks.AssertTranslated(await page.ContentAsync());
        await PageChecks.AssertFitsAsync(page);
        await FleetUiFixture.ScreenshotAsync(page, screenshot);

        // axe is a script: it runs on the same page opened with script on (the page itself needs none).
        var scripted = await fixture.NewPageAsync(culture, script: true);
        await scripted.GotoAsync("/broker");
        await PageChecks.AssertAccessibleAsync(scripted, output, culture ?? "vi");
    }

    private async Task RefuseAnAnonymousClientAsync()
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(Eventually.Timeout);
        var result = await client.ConnectAsync(
            new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", fixture.Controller.MqttPort)
                .WithClientId("sim-anon")
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithTimeout(Eventually.Timeout)
                .Build(),
            timeout.Token);

        // A refused CONNACK comes back as a result code, not an exception.
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
    }

    /// <summary>
    /// An enrolled node asks for another node's commands (refused in its SUBACK), then connects again with its own
    /// identity while the first connection still stands: the second CONNECT takes the session over.
    /// </summary>
    private async Task RefuseASubscriptionAndTakeOverTheSessionAsync(string nodeId)
    {
        var node = await fixture.EnrolWithTokenAsync(nodeId);
        using var first = await fixture.ConnectAsync(node);
        using var timeout = new CancellationTokenSource(Eventually.Timeout);
        var refused = await first.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ForeignCommands, MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            timeout.Token);
        Assert.True((int)Assert.Single(refused.Items).ResultCode >= 0x80, "another node's command topic is refused");

        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.DisconnectedAsync += _ =>
        {
            taken.TrySetResult();
            return Task.CompletedTask;
        };
        using var second = await fixture.ConnectAsync(node);
        await taken.Task.WaitAsync(Eventually.Timeout);
    }
}
