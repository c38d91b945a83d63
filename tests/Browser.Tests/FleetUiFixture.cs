using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// What the browser tests of one class share: a Controller process with a small fleet of in-process simulated nodes
/// (two villages, one node running hot, one with days of stored health history), and one headless Chromium (Debian's, launched by Playwright).
/// </summary>
public sealed class FleetUiFixture : IAsyncLifetime
{
    /// <summary>Node ids and their zones ("thôn" = village).</summary>
    public static readonly IReadOnlyList<(string Id, string Zone)> Fleet =
    [
        ("loa-thon1-a", "thon-1"),
        ("loa-thon1-b", "thon-1"),
        ("loa-thon2-a", "thon-2"),
        ("loa-thon2-nong", "thon-2"),
    ];

    /// <summary>The node whose simulated CPU is above the overheating threshold.</summary>
    public const string HotNode = "loa-thon2-nong";

    /// <summary>The node with days of hourly health history (<see cref="HealthHistorySeed"/>) besides its live reports.</summary>
    public const string HistoryNode = "loa-thon1-a";

    private readonly Dictionary<string, NodeAgent> agents = new(StringComparer.Ordinal);
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "sl-browser-" + Guid.NewGuid().ToString("N"));
    private PhoneBrowser? phone;

    public ControllerProcess Controller { get; private set; } = null!;

    public IBrowser Browser => phone!.Browser;

    /// <summary>The instant the seeded history was written relative to.</summary>
    public DateTimeOffset HistoryStartedAt { get; private set; }

    /// <summary>Where screenshots go: artifacts/screenshots at the repository root.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        HistoryStartedAt = DateTimeOffset.UtcNow;
        await HealthHistorySeed.WriteAsync(dataDirectory, HistoryNode, HistoryStartedAt);
        Controller = new ControllerProcess(dataDirectory);
        await Controller.StartAsync();
        foreach (var (id, zone) in Fleet)
        {
            await StartNodeAsync(id, zone);
        }

        await agents["loa-thon1-a"].RaiseEventAsync("fault.raised", EventSeverity.Warning, "speaker-line", "Đường loa 2 hở mạch");
        await agents["loa-thon1-a"].RaiseEventAsync("relay.test", EventSeverity.Info, null, "Relay test OK");

        phone = await PhoneBrowser.LaunchAsync();
    }

    /// <summary>A fresh browser context at phone size, signed in as the test admin, in Vietnamese unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(string? culture = null) =>
        await phone!.NewPageAsync(Controller.BaseAddress, culture, locale: "en-US", session: await Controller.SessionCookieAsync());

    /// <summary>Cuts a node off without a goodbye: the broker's Last Will or the silence rule must find it out.</summary>
    public async Task CutNodeAsync(string id)
    {
        var agent = agents[id];
        agents.Remove(id);
        await agent.DisposeAsync();
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

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

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temporary folder is cleaned by the system.
        }
    }

    /// <summary>Starts one more simulated node (a node appearing while pages are open) and waits for its birth.</summary>
    public async Task StartNodeAsync(string id, string zone)
    {
        var drivers = NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(id));
        if (id == HotNode)
        {
            drivers = drivers with { SystemReadings = new HotHealthSource(drivers.SystemReadings) };
        }

        var agent = NodeComposer.Compose(
            new NodeAgentSettings
            {
                NodeId = id,
                Zones = [zone],
                Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = Controller.MqttPort }],

                // One report a second: charts fill and a silent node is declared offline within seconds.
                Heartbeat = TimeSpan.FromSeconds(1),
                KeepAlive = TimeSpan.FromSeconds(5),
                ReconnectWindow = TimeSpan.FromMilliseconds(200),
                ReconnectBackoffCap = TimeSpan.FromSeconds(1),
                DataDirectory = Path.Combine(dataDirectory, "nodes", id),
                RootPublicKey = Controller.RootPublicKey(),

                // The token the Controller process is configured with (ControllerProcess), so the node enrols itself.
                EnrolmentToken = BootstrapToken.ForTests.Token,
            },
            drivers,
            TimeProvider.System,
            NullLogger<NodeAgent>.Instance);
        agents[id] = agent;
        await agent.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(Eventually.Timeout);
        await agent.WaitForBirthAsync(timeout.Token);
    }
}
