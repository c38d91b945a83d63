using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartLoudspeaker.EndToEnd.Tests.Durability;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests.SignedControl;

/// <summary>
/// The Controller as a real process, with demo keys, killed with SIGKILL right after issuing commands: the restarted
/// process must number its commands strictly above every number the killed one handed out, and keep its keys.
/// </summary>
[Trait("Category", "Security")]
public sealed class SequenceAcrossSigkillTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sl-signed-control-" + Guid.NewGuid().ToString("N"));
    private readonly int _httpPort = FreePort.Next();
    private readonly int _mqttPort = FreePort.Next();

    public SequenceAcrossSigkillTests() => Directory.CreateDirectory(_data);

    [Fact]
    public async Task After_a_SIGKILL_the_restarted_controller_issues_strictly_larger_sequence_numbers_with_the_same_root()
    {
        var before = new List<long>();
        await using (var controller = await StartControllerAsync())
        {
            using var http = await ConnectAsync(controller);

            // A zone exists once a node announces it (a command to a zone without nodes is refused); the node stays
            // known across the restart, so its zone can be commanded then too.
            await using (await SendingNode.ConnectAsync(_mqttPort, "loa-so-thu-tu", new(), StartTimeout, controller, sendEvents: false))
            {
                await WaitUntilKnownAsync(http, "loa-so-thu-tu");
            }

            for (var i = 0; i < 5; i++)
            {
                before.Add(await IssueAsync(http, controller));
            }

            await controller.KillAsync();
        }

        var rootFile = Path.Combine(_data, "keys", "root.pub");
        var root = await File.ReadAllTextAsync(rootFile);
        var after = new List<long>();
        await using (var restarted = await StartControllerAsync())
        {
            using var http = await ConnectAsync(restarted);
            for (var i = 0; i < 5; i++)
            {
                after.Add(await IssueAsync(http, restarted));
            }

            await restarted.KillAsync();
        }

        Assert.True(before.SequenceEqual(before.Order()) && after.SequenceEqual(after.Order()), $"{string.Join(",", before)} / {string.Join(",", after)}");
        Assert.True(after.Min() > before.Max(), $"after the kill {after.Min()} is not above {before.Max()}");
        Assert.Equal(root, await File.ReadAllTextAsync(rootFile));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private async Task<ProgramProcess> StartControllerAsync()
    {
        await ControllerAccount.ForStoreAsync(_data);
        return ControllerProgram.Start(
            [
                $"--Urls=http://127.0.0.1:{_httpPort}",
                $"--Broker:Port={_mqttPort}",
                "--Broker:BindAddress=127.0.0.1",
                "--Broker:Tls:Port=0",
                $"--Store:DataDirectory={_data}",
                "--Security:GenerateDemoKeys=true",
                "--Logging:LogLevel:Default=Warning",
                .. BootstrapToken.Arguments(BootstrapToken.ForTests.ControllerSettings()),
            ]);
    }

    private async Task<HttpClient> ConnectAsync(ProgramProcess controller)
    {
        await controller.WaitUntilReadyAsync(StartTimeout);
        return (await ControllerAccount.ForStoreAsync(_data)).Client(new Uri($"http://127.0.0.1:{_httpPort}"), TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntilKnownAsync(HttpClient http, string nodeId)
    {
        using var deadline = new CancellationTokenSource(StartTimeout);
        while ((await http.GetAsync(new Uri("/api/nodes/" + nodeId, UriKind.Relative), deadline.Token)).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

    private static async Task<long> IssueAsync(HttpClient http, ProgramProcess controller)
    {
        using var response = await http.PostAsJsonAsync($"/api/zones/{SendingNode.Zone}/commands", new { type = "identify" });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync() + controller.RecentOutput);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
    }
}
