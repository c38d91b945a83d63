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
/// The signed-control pages' world: a real Mosquitto (where, as for an attacker with broker access, anyone may publish
/// on a command topic), the Controller as a process with demo keys, in-process nodes pinning its root, one Chromium.
/// Each test uses its own node: a node reports a refusal reason at most once a minute, so tests must not share one.
/// </summary>
public sealed class SignedControlUiFixture : IAsyncLifetime
{
    public const string IdentifyNode = "loa-lenh-nhan-dien";
    public const string ReplayNode = "loa-lenh-phat-lai";
    public const string MosquittoPubNode = "loa-lenh-mosquitto";
    public const string PanelNode = "loa-lenh-giao-dien";

    private readonly Dictionary<string, NodeAgent> agents = new(StringComparer.Ordinal);
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "sl-browser-control-" + Guid.NewGuid().ToString("N"));
    private PhoneBrowser? phone;

    public MosquittoBroker Mosquitto { get; private set; } = null!;

    public ControllerProcess Controller { get; private set; } = null!;

    public IBrowser Browser => phone!.Browser;

    public NodeAgent Agent(string id) => agents[id];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(FleetUiFixture.ScreenshotDirectory);
        Mosquitto = await MosquittoBroker.StartAsync();
        Controller = new ControllerProcess(dataDirectory, demoKeys: true, externalBrokerPort: Mosquitto.Port);
        await Controller.StartAsync();
        foreach (var id in new[] { IdentifyNode, ReplayNode, MosquittoPubNode, PanelNode })
        {
            await StartNodeAsync(id);
        }

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

        foreach (var agent in agents.Values)
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

    private async Task StartNodeAsync(string id)
    {
        // This open Mosquitto never refuses a node's own credentials, so a node would never ask to be enrolled and the
        // Controller (which hears only enrolled nodes) would ignore it: the identity a node makes at first start is
        // written here instead, and enrolled the real way (a signed request on the enrolment topic, the test token).
        var nodeData = Path.Combine(dataDirectory, "nodes", id);
        using (var identity = NodeCredentials.Create(id))
        {
            Directory.CreateDirectory(nodeData);
            await File.WriteAllTextAsync(Path.Combine(nodeData, "node-key.pem"), identity.Key.ExportPkcs8PrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(nodeData, "broker-password"), identity.Password + "\n" + identity.PasswordHash + "\n");
            var status = await NodeEnrolment.RequestAsync("127.0.0.1", Mosquitto.Port, identity, ["thon-5"], BootstrapToken.ForTests.Token, Eventually.Timeout);
            Assert.Equal(EnrolmentState.Approved, status.State);
        }

        var agent = NodeComposer.Compose(
            new NodeAgentSettings
            {
                NodeId = id,
                Zones = ["thon-5"],
                Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = Mosquitto.Port }],
                Heartbeat = TimeSpan.FromSeconds(2),
                KeepAlive = TimeSpan.FromSeconds(5),
                ReconnectWindow = TimeSpan.FromMilliseconds(200),
                ReconnectBackoffCap = TimeSpan.FromSeconds(1),
                DataDirectory = nodeData,
                RootPublicKey = Controller.RootPublicKey(),
            },
            NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(id)),
            TimeProvider.System,
            NullLogger<NodeAgent>.Instance);
        agents[id] = agent;
        await agent.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(Eventually.Timeout);
        await agent.WaitForBirthAsync(timeout.Token);
    }
}
