using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities.Enrolment;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// The enrolment page's refused requests, per reason and per source, on a 360×740 phone in both languages, after a
/// forged request reached the real Controller through its broker.
/// </summary>
[Trait("Category", "Browser")]
public sealed class EnrolmentRefusalsPageTests(IdentityUiFixture fixture, ITestOutputHelper output) : IClassFixture<IdentityUiFixture>
{
    private const string Forger = "loa-gia-mao";

    [Theory]
    [InlineData("vi-VN", "Theo nguồn (mã cụm loa xin, địa chỉ gửi)", "từ 127.0.0.1")]
    [InlineData("en-GB", "Per source (node id asked for, sending address)", "from 127.0.0.1")]
    public async Task A_forged_request_is_shown_per_reason_and_per_source_and_the_page_fits_a_phone(string culture, string heading, string sender)
    {
        await SendForgedRequestAsync();

        // Script on: axe runs as a script in the page (the page itself needs none).
        var page = await fixture.NewPageAsync(culture, script: true);
        await page.GotoAsync("/enrolment#refusals");
        var source = page.Locator($"li[data-enrol-source='{Forger}']");
        var deadline = DateTimeOffset.UtcNow + Eventually.Timeout;
        while (await source.CountAsync() == 0)
        {
            // The Controller is another process: its ingest of the request is seen on a reload, within a bound.
            Assert.True(DateTimeOffset.UtcNow < deadline, "the refused request did not appear on /enrolment");
            await page.ReloadAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading })).ToBeVisibleAsync();
        await Assertions.Expect(source).ToContainTextAsync(sender);
        await Assertions.Expect(page.Locator("li[data-enrol-reason='bad-signature']")).ToBeVisibleAsync();
        Assert.DoesNotContain("⟦missing:", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.InRange(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), 1, 360);
        await source.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(FleetUiFixture.ScreenshotDirectory, "enrolment-refusals-" + culture[..2] + ".png") });

        var result = await page.RunAxe();
        foreach (var violation in result.Violations)
        {
            output.WriteLine($"{culture}: {violation.Impact} {violation.Id}: {violation.Help} ({violation.Nodes.Length} elements)");
        }

        Assert.DoesNotContain(result.Violations, violation => violation.Impact is "serious" or "critical");
    }

    /// <summary>A request for <see cref="Forger"/> signed by another key than the one it carries, sent on the enrolment account.</summary>
    private async Task SendForgedRequestAsync()
    {
        using var node = NodeCredentials.Create(Forger);
        using var other = NodeCredentials.Create(Forger);
        var bytes = WireCodec.Encode(node.Request(["thon-1"]));
        var forged = SignedPayloadCodec.Format(bytes, EcdsaP256.Sign(other.Key, bytes));
        Assert.Null(await NodeEnrolment.RequestRawAsync("127.0.0.1", fixture.Controller.MqttPort, node, Topics.ForEnrolmentRequest(Forger), forged, TimeSpan.FromSeconds(1)));
    }
}
