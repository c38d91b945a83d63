using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// The test-tone pages' world: Mosquitto, the Controller as a process with demo keys, one simulated node built as the
/// fleet simulator builds it (its own clock, a virtual DAC that really consumes the tone at its clock's pace), one node
/// without an audio output, and one Chromium. The commune's quiet hours are switched off: a normal-class tone is refused
/// in them (rightly), and the default hours cover the evening and night of Viet Nam, when these tests may well run.
/// </summary>
public sealed class TestToneUiFixture : IAsyncLifetime
{
    /// <summary>The fleet simulator's naming: prefix, then the node's number.</summary>
    public const string AudioPrefix = "loa-am";

    public const string SilentNode = "loa-khong-am";

    public static readonly string AudioNode = FleetSimulator.NodeIdFor(AudioPrefix, 1);

    public static readonly string AudioZone = FleetSimulator.ZoneFor(1, 1);

    private readonly List<NodeAgent> agents = [];
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "sl-browser-tone-" + Guid.NewGuid().ToString("N"));
    private PhoneBrowser? phone;

    public MosquittoBroker Mosquitto { get; private set; } = null!;

    public ControllerProcess Controller { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(FleetUiFixture.ScreenshotDirectory);
        Mosquitto = await MosquittoBroker.StartAsync();
        Controller = new ControllerProcess(dataDirectory, demoKeys: true, externalBrokerPort: Mosquitto.Port);
        await Controller.StartAsync();
        await StartAudioNodeAsync();
        await StartSilentNodeAsync();
        await SwitchQuietHoursOffAsync();
        phone = await PhoneBrowser.LaunchAsync();
    }

    /// <summary>A fresh phone-sized context, signed in as the test admin, in <paramref name="culture"/>.</summary>
    public async Task<IPage> NewPageAsync(string culture = "vi-VN") =>
        await phone!.NewPageAsync(Controller.BaseAddress, culture, session: await Controller.SessionCookieAsync());

    public async Task DisposeAsync()
    {
        if (phone is not null)
        {
            await phone.DisposeAsync();
        }

        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }

        if (Controller is not null)
        {
            await Controller.DisposeAsync();
        }

        if (Mosquitto is not null)
        {
            await Mosquitto.DisposeAsync();
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temporary folder is cleaned by the system.
        }
    }

    private async Task SwitchQuietHoursOffAsync()
    {
        using var http = Controller.Client();
        using var saved = await http.PutAsJsonAsync("/api/settings", new Dictionary<string, object?>
        {
            ["version"] = 0, ["name"] = "Xã Thử", ["province"] = "Đồng Nai", ["timeZone"] = "Asia/Ho_Chi_Minh", ["quietHoursEnabled"] = false,
            ["schedulesNeedApproval"] = false, ["loudnessTargetLufs"] = -16, ["emergencyLeadTimeMs"] = 300, ["bulletinLeadTimeMs"] = 2000,
        });
        saved.EnsureSuccessStatusCode();

        // The Controller sends the new hours to the node; it plays a normal tone once its health says they are not in force.
        using var deadline = new CancellationTokenSource(Eventually.Timeout);
        while (!await QuietHoursOffAsync(http, deadline.Token))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    private static async Task<bool> QuietHoursOffAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var node = await http.GetFromJsonAsync<JsonElement>($"/api/nodes/{AudioNode}", cancellationToken);
        return Find(node, "quietHours") is { } quiet && quiet.TryGetProperty("version", out var version) && version.GetInt64() > 0
            && quiet.TryGetProperty("active", out var active) && !active.GetBoolean();
    }

    /// <summary>The first property named <paramref name="name"/> anywhere in <paramref name="element"/>.</summary>
    private static JsonElement? Find(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name == name)
            {
                return property.Value;
            }

            if (Find(property.Value, name) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private async Task StartAudioNodeAsync()
    {
        var nodes = Path.Combine(dataDirectory, "nodes");
        await EnrolAsync(AudioNode, AudioZone, Path.Combine(nodes, AudioNode));
        var options = new NodeOptions
        {
            DataDirectory = nodes,
            Heartbeat = TimeSpan.FromSeconds(2),
            KeepAlive = TimeSpan.FromSeconds(5),
            ReconnectWindow = TimeSpan.FromMilliseconds(200),
            ReconnectBackoffCap = TimeSpan.FromSeconds(1),
            Security = new NodeSecurityOptions { RootPublicKeyFile = Controller.RootPublicKeyFile },
            Simulation = new SimulationOptions { Enabled = true, NodeCount = 1, ZoneCount = 1, IdPrefix = AudioPrefix },
        };
        options.Brokers.Add(new BrokerEndpoint { Host = "127.0.0.1", Port = Mosquitto.Port });
        await StartAsync(NodeComposer.ForSimulatedNode(options, 1, TimeProvider.System, NullLoggerFactory.Instance));
    }

    private async Task StartSilentNodeAsync()
    {
        var nodeData = Path.Combine(dataDirectory, "nodes", SilentNode);
        await EnrolAsync(SilentNode, "thon-6", nodeData);
        await StartAsync(NodeComposer.Compose(
            new NodeAgentSettings
            {
                NodeId = SilentNode,
                Zones = ["thon-6"],
                Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = Mosquitto.Port }],
                Heartbeat = TimeSpan.FromSeconds(2),
                KeepAlive = TimeSpan.FromSeconds(5),
                ReconnectWindow = TimeSpan.FromMilliseconds(200),
                ReconnectBackoffCap = TimeSpan.FromSeconds(1),
                DataDirectory = nodeData,
                RootPublicKey = Controller.RootPublicKey(),
            },
            NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(SilentNode)),
            TimeProvider.System,
            NullLogger<NodeAgent>.Instance));
    }

    /// <summary>
    /// This open Mosquitto never refuses a node's credentials, so a node would never ask to be enrolled: the identity
    /// it makes at first start is written here instead, and enrolled the real way (see SignedControlUiFixture).
    /// </summary>
    private async Task EnrolAsync(string id, string zone, string nodeData)
    {
        using var identity = NodeCredentials.Create(id);
        Directory.CreateDirectory(nodeData);
        await File.WriteAllTextAsync(Path.Combine(nodeData, "node-key.pem"), identity.Key.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(nodeData, "broker-password"), identity.Password + "\n" + identity.PasswordHash + "\n");
        var status = await NodeEnrolment.RequestAsync("127.0.0.1", Mosquitto.Port, identity, [zone], BootstrapToken.ForTests.Token, Eventually.Timeout);
        Assert.Equal(EnrolmentState.Approved, status.State);
    }

    private async Task StartAsync(NodeAgent agent)
    {
        agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(Eventually.Timeout);
        await agent.WaitForBirthAsync(timeout.Token);
    }
}
