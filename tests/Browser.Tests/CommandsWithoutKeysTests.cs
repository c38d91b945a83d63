using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>A Controller started without signing keys: the node page explains how to enable commands instead of offering buttons.</summary>
[Trait("Category", "Browser")]
public sealed class CommandsWithoutKeysTests
{
    [Fact]
    public async Task Without_keys_the_node_page_explains_how_to_enable_commands_in_both_languages_and_shows_no_buttons()
    {
        var data = Path.Combine(Path.GetTempPath(), "sl-browser-nokeys-" + Guid.NewGuid().ToString("N"));
        await using var controller = new ControllerProcess(data, demoKeys: false);
        await controller.StartAsync();
        await using var node = NodeComposer.Compose(
            new NodeAgentSettings
            {
                NodeId = "loa-khong-khoa",
                Zones = ["thon-1"],
                Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = controller.MqttPort }],
                ReconnectWindow = TimeSpan.FromMilliseconds(200),
                ReconnectBackoffCap = TimeSpan.FromSeconds(1),

                // The token the Controller process is configured with (ControllerProcess), so the node enrols itself.
                EnrolmentToken = BootstrapToken.ForTests.Token,
            },
            NodeDrivers.Simulated(1),
            TimeProvider.System,
            NullLogger<NodeAgent>.Instance);
        await node.StartAsync(CancellationToken.None);
        using (var timeout = new CancellationTokenSource(Eventually.Timeout))
        {
            await node.WaitForBirthAsync(timeout.Token);
        }

        foreach (var (culture, expected) in new[]
        {
            ("vi-VN", "Chưa thể gửi lệnh: bộ điều khiển chưa có khóa ký."),
            ("en-GB", "Commands cannot be sent: the Controller has no signing key."),
        })
        {
            using var http = controller.Client();
            http.DefaultRequestHeaders.Add("Cookie", $".AspNetCore.Culture=c={culture}|uic={culture}");
            var body = await http.GetStringAsync(new Uri("/nodes/loa-khong-khoa", UriKind.Relative));
            Assert.Contains(expected, body, StringComparison.Ordinal);
            Assert.Contains("Security:GenerateDemoKeys=true", body, StringComparison.Ordinal);
            Assert.DoesNotContain("handler=identify", body, StringComparison.Ordinal);
            PageChecks.AssertTranslated(body);
        }

        await controller.StopAsync();
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temporary folder is cleaned by the system.
        }
    }
}
