using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;
using SmartLoudspeaker.TestUtilities.Proxy;
using Xunit.Abstractions;

namespace SmartLoudspeaker.EndToEnd.Tests.Durability;

/// <summary>
/// The Controller as a real process on Mosquitto, its own link to the broker through the fault proxy, real nodes:
/// commands answered 202 — to a node online, to nodes offline, and while the Controller's link is down — then a
/// SIGKILL and a restart. Every accepted command is then either acknowledged by its node or shown expired; none
/// vanishes (its <c>GET /api/commands/{id}</c> never answers 404).
/// </summary>
[Trait("Category", "Durability")]
public sealed class CommandsAcrossSigkillTests : IDisposable
{
    /// <summary>Online throughout.</summary>
    private const string Online = "loa-luon-bat";

    /// <summary>Offline when commanded, back after the restart.</summary>
    private const string Returning = "loa-mat-dien";

    /// <summary>Offline when commanded, never back.</summary>
    private const string Gone = "loa-hong-han";

    /// <summary>
    /// Short enough that the unanswered commands expire while the test waits; long enough that a SIGKILL, a cold start
    /// and a node's return fit inside it on two busy cores (each of those may take up to <see cref="Timeout"/>).
    /// </summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sl-commands-" + Guid.NewGuid().ToString("N"));
    private ControllerAccount? _account;
    private readonly List<NodeAgent> _agents = [];

    public CommandsAcrossSigkillTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_data);
    }

    [Fact]
    public async Task Every_command_answered_202_is_acknowledged_by_its_node_or_shown_expired_after_a_SIGKILL_and_none_vanishes()
    {
        // The Controller reaches Mosquitto through the proxy: Mosquitto runs its accounts on a listener of its own.
        await using var mosquitto = new ControllerMosquitto(accountsOnly: true);
        await using var link = new LoopbackTcpProxy(mosquitto.Port);
        var accepted = new Dictionary<string, string>(StringComparer.Ordinal);
        var issuedWhileDown = new List<string>();
        long highestBeforeKill;
        try
        {
            await using (var controller = await StartControllerAsync(mosquitto, link.Port))
            {
                await mosquitto.StartAsync(Timeout);
                using var http = ClientFor(await controller.WaitForBoundPortsAsync(Timeout));
                await StartNodeAsync(mosquitto.Port, Online, http);
                await PowerCutAsync(await StartNodeAsync(mosquitto.Port, Returning, http));
                await PowerCutAsync(await StartNodeAsync(mosquitto.Port, Gone, http));
                foreach (var node in new[] { Online, Online, Online, Returning, Returning, Gone, Gone })
                {
                    accepted[await IssueAsync(http, node, controller)] = node;
                }

                // The Controller's own link to the broker goes down: commands are still accepted, to be sent later.
                link.NewConnections = NewConnectionMode.Refuse;
                link.CutAll();
                await controller.WaitForOutputAsync("Lost the MQTT broker connection", Timeout);
                foreach (var node in new[] { Online, Returning })
                {
                    var id = await IssueAsync(http, node, controller);
                    accepted[id] = node;
                    issuedWhileDown.Add(id);
                }

                highestBeforeKill = 0;
                foreach (var id in accepted.Keys)
                {
                    highestBeforeKill = Math.Max(highestBeforeKill, Seqs(await ViewAsync(http, id)).Max());
                }

                await controller.KillAsync();
            }

            link.NewConnections = NewConnectionMode.Forward;
            // A new HTTP port after the restart: the old one is not held for us while the Controller is dead.
            await using var restarted = await StartControllerAsync(mosquitto, link.Port);
            using var restartedHttp = ClientFor(await restarted.WaitForBoundPortsAsync(Timeout));

            // Known at once after the restart, before any resend could have brought an answer.
            foreach (var id in accepted.Keys)
            {
                await ViewAsync(restartedHttp, id);
            }

            await StartNodeAsync(mosquitto.Port, Returning, restartedHttp);
            var settled = await SettledAsync(restartedHttp, accepted.Keys, Lifetime + Timeout);

            foreach (var (id, node) in accepted)
            {
                var outcome = Assert.Single(settled[id].GetProperty("outcomes").EnumerateArray());
                Assert.Equal(node, outcome.GetProperty("nodeId").GetString());
                Assert.True(
                    outcome.GetProperty("status").GetString() == (node == Gone ? "unanswered" : "done"),
                    $"command {id} to {node}: {settled[id]}{Environment.NewLine}{restarted.RecentOutput}");
            }

            // What never left before the kill reached its node after the restart, signed anew with a new number.
            foreach (var id in issuedWhileDown)
            {
                var seqs = Seqs(settled[id]);
                Assert.True(seqs.Count >= 2 && seqs[^1] > highestBeforeKill, $"command {id}: seqs {string.Join(",", seqs)}, highest before the kill {highestBeforeKill}");
            }

            var page = await restartedHttp.GetStringAsync(new Uri("/nodes/" + Gone, UriKind.Relative));
            foreach (var id in accepted.Where(pair => pair.Value == Gone).Select(pair => pair.Key))
            {
                Assert.Contains($"data-cmd=\"{id}\" data-s=\"unanswered\"", page, StringComparison.Ordinal);
            }

            _output.WriteLine($"{accepted.Count} commands accepted, {issuedWhileDown.Count} of them while the link was down; all settled after the SIGKILL");
        }
        finally
        {
            foreach (var agent in _agents)
            {
                await agent.DisposeAsync();
            }
        }
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

    private HttpClient ClientFor(ControllerPorts ports) =>
        _account!.Client(new Uri($"http://127.0.0.1:{ports.Http.ToString(CultureInfo.InvariantCulture)}"), Timeout);

    private async Task<ProgramProcess> StartControllerAsync(ControllerMosquitto mosquitto, int brokerPort)
    {
        _account = await ControllerAccount.ForStoreAsync(_data);
        return ControllerProgram.Start(
            [
                "--Urls=http://127.0.0.1:0",
                .. BootstrapToken.Arguments(mosquitto.ControllerSettings(brokerPort)),
                .. BootstrapToken.Arguments(BootstrapToken.ForTests.ControllerSettings()),
                $"--Store:DataDirectory={_data}",
                "--Security:GenerateDemoKeys=true",
                $"--Security:CommandLifetime={Lifetime}",
                "--Security:ResendInterval=00:00:02",
                "--Logging:LogLevel:Default=Warning",
            ]);
    }

    /// <summary>A node on its own data folder (so a restart keeps its replay state and outcomes), known to the Controller when this returns.</summary>
    private async Task<NodeAgent> StartNodeAsync(int brokerPort, string nodeId, HttpClient http)
    {
        var agent = NodeComposer.Compose(
            new NodeAgentSettings
            {
                NodeId = nodeId,
                Zones = ["thon-3"],
                Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = brokerPort }],
                Heartbeat = TimeSpan.FromSeconds(1),
                KeepAlive = TimeSpan.FromSeconds(5),
                ReconnectWindow = TimeSpan.FromMilliseconds(200),
                ReconnectBackoffCap = TimeSpan.FromSeconds(1),
                DataDirectory = Path.Combine(_data, "nodes", nodeId),
                RootPublicKey = System.Buffers.Text.Base64Url.DecodeFromChars((await File.ReadAllTextAsync(Path.Combine(_data, "keys", "root.pub"))).Trim()),
                EnrolmentToken = BootstrapToken.ForTests.Token,
            },
            NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId)),
            TimeProvider.System,
            NullLogger<NodeAgent>.Instance);
        _agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        using var deadline = new CancellationTokenSource(Timeout);
        await agent.WaitForBirthAsync(deadline.Token);
        while ((await http.GetAsync(new Uri("/api/nodes/" + nodeId, UriKind.Relative), deadline.Token)).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }

        return agent;
    }

    /// <summary>Ends a node without its goodbye, as a power cut would: it stays known, and offline.</summary>
    private async Task PowerCutAsync(NodeAgent agent)
    {
        _agents.Remove(agent);
        await agent.DisposeAsync();
    }

    private static async Task<string> IssueAsync(HttpClient http, string nodeId, ProgramProcess controller)
    {
        using var response = await http.PostAsJsonAsync($"/api/nodes/{nodeId}/commands", new { type = "emergency-test", body = new { note = "diễn tập" } });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync() + controller.RecentOutput);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("commandId").GetString()!;
    }

    private static async Task<JsonElement> ViewAsync(HttpClient http, string commandId)
    {
        using var response = await http.GetAsync(new Uri("/api/commands/" + commandId, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/commands/{commandId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Every command's view once none of its outcomes is pending (answered, or expired unanswered).</summary>
    private static async Task<Dictionary<string, JsonElement>> SettledAsync(HttpClient http, IEnumerable<string> commandIds, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var settled = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var id in commandIds)
        {
            while (true)
            {
                var view = await ViewAsync(http, id);
                if (view.GetProperty("outcomes").EnumerateArray().All(outcome => outcome.GetProperty("status").GetString() != "pending"))
                {
                    settled[id] = view;
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }

        return settled;
    }

    private static List<long> Seqs(JsonElement view) => view.GetProperty("seqs").EnumerateArray().Select(seq => seq.GetInt64()).ToList();
}
