using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests.SignedControl;

/// <summary>
/// One signed-control world of real parts: Mosquitto with the accounts the Controller writes (where, like an attacker
/// with broker access, an anonymous test client may still publish on any topic), the Controller executable as a process on free ports with a temporary data folder, and
/// in-process nodes that pin the root the Controller's demo keys were certified by.
/// </summary>
internal sealed class SecuredWorld : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly List<NodeAgent> agents = [];
    private readonly string[] controllerOptions;
    private ProgramProcess? controller;

    private SecuredWorld(ControllerMosquitto mosquitto, string[] controllerOptions)
    {
        Mosquitto = mosquitto;
        this.controllerOptions = controllerOptions;
    }

    /// <summary>The enrolment token the world's nodes carry, for the zone they serve.</summary>
    public static BootstrapToken Token { get; } = BootstrapToken.Create("thon-7");

    public ControllerMosquitto Mosquitto { get; }

    public string Data { get; } = Path.Combine(Path.GetTempPath(), "sl-e2e-signed-" + Guid.NewGuid().ToString("N"));

    public int HttpPort { get; } = FreePort.Next();

    public HttpClient Http { get; private set; } = null!;

    public string RootPublicKeyFile => Path.Combine(Data, "keys", "root.pub");

    public string DemoRootKeyFile => Path.Combine(Data, "keys", "root-DEMO-ONLY.key");

    /// <summary>Starts Mosquitto and the Controller; <paramref name="controllerOptions"/> go to every start of the Controller.</summary>
    public static async Task<SecuredWorld> StartAsync(params string[] controllerOptions)
    {
        var world = new SecuredWorld(new ControllerMosquitto(accountsOnly: true), controllerOptions);
        Directory.CreateDirectory(world.Data);
        await world.StartControllerAsync();
        return world;
    }

    public static string CommandTopic(string nodeId) => Topics.ForNode(nodeId, NodeMessageKind.Command);

    public static string AckTopic(string nodeId) => Topics.ForNode(nodeId, NodeMessageKind.CommandAck);

    /// <summary>Starts the Controller: demo keys unless <paramref name="security"/> gives the key options.</summary>
    public async Task StartControllerAsync(params string[] security)
    {
        var account = await ControllerAccount.ForStoreAsync(Data);
        controller = ControllerProgram.Start(
            [
                $"--Urls=http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}",
                .. BootstrapToken.Arguments(Mosquitto.ControllerSettings()),
                .. BootstrapToken.Arguments(Token.ControllerSettings()),
                $"--Store:DataDirectory={Data}",
                .. security.Length == 0 ? ["--Security:GenerateDemoKeys=true"] : security,
                .. controllerOptions,
                "--Logging:LogLevel:Default=Warning",
            ]);
        Http?.Dispose();
        Http = account.Client(new Uri($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}"), TimeSpan.FromSeconds(10));
        await Mosquitto.StartAsync(TimeSpan.FromSeconds(30));
        await controller.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
    }

    public async Task KillControllerAsync()
    {
        await controller!.KillAsync();
        await controller.DisposeAsync();
        controller = null;
    }

    public async Task StopControllerAsync()
    {
        await controller!.StopAsync(TimeSpan.FromSeconds(20));
        await controller.DisposeAsync();
        controller = null;
    }

    /// <summary>Runs a verb of the Controller executable (e.g. <c>keys issue …</c>) and returns its output; it must succeed.</summary>
    public static async Task<string> RunControllerVerbAsync(params string[] arguments)
    {
        await using var run = ProgramProcess.Start(RepositoryPaths.ProgramAssembly("Controller", "SmartLoudspeaker.Controller"), arguments);
        await run.WaitForExitAsync(Timeout);
        Assert.True(run.ExitCode == 0, run.RecentOutput);
        return run.RecentOutput;
    }

    /// <summary>Starts a node pinning the root; <paramref name="brokerPort"/> lets it connect through a proxy.</summary>
    public async Task<NodeAgent> StartNodeAsync(string nodeId, bool trustSystemClock = true, int? brokerPort = null)
    {
        var agent = NodeComposer.Compose(
            new NodeAgentSettings
            {
                NodeId = nodeId,
                Zones = ["thon-7"],
                Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = brokerPort ?? Mosquitto.Port }],
                Heartbeat = TimeSpan.FromSeconds(1),
                KeepAlive = TimeSpan.FromSeconds(5),
                ReconnectWindow = TimeSpan.FromMilliseconds(200),
                ReconnectBackoffCap = TimeSpan.FromSeconds(1),
                DataDirectory = Path.Combine(Data, "nodes", nodeId),
                RootPublicKey = System.Buffers.Text.Base64Url.DecodeFromChars((await File.ReadAllTextAsync(RootPublicKeyFile)).Trim()),
                TrustSynchronisedSystemClock = trustSystemClock,
                EnrolmentToken = Token.Token,
            },
            NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId)),
            TimeProvider.System,
            NullLogger<NodeAgent>.Instance);
        agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(Timeout);
        await agent.WaitForBirthAsync(timeout.Token);
        await WaitUntilKnownAsync(nodeId);
        return agent;
    }

    /// <summary>Disposes a node without its goodbye, as a power cut would leave it.</summary>
    public async Task PowerCutAsync(NodeAgent agent)
    {
        agents.Remove(agent);
        await agent.DisposeAsync();
    }

    /// <summary>Issues a command through the REST API: (command id, seq).</summary>
    public async Task<(string Id, long Seq)> IssueAsync(string nodeId, string type, object? body = null)
    {
        using var response = await Http.PostAsJsonAsync($"/api/nodes/{nodeId}/commands", new { type, body });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync() + controller?.RecentOutput);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (accepted.GetProperty("commandId").GetString()!, accepted.GetProperty("seq").GetInt64());
    }

    /// <summary>The command as the API shows it once the node's outcome is no longer pending.</summary>
    public async Task<JsonElement> AnsweredAsync(string commandId)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            var view = await Http.GetFromJsonAsync<JsonElement>($"/api/commands/{commandId}", deadline.Token);
            if (view.GetProperty("outcomes")[0].GetProperty("status").GetString() != "pending")
            {
                return view;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

    public static (string Status, string? Reason) Outcome(JsonElement view)
    {
        var outcome = view.GetProperty("outcomes")[0];
        return (outcome.GetProperty("status").GetString()!, outcome.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
    }

    /// <summary>An eavesdropper on the broker, reading a node's command and ack topics.</summary>
    public Task<MqttProbe> EavesdropAsync(params string[] topics) =>
        MqttProbe.ConnectAsync(Mosquitto.Port, "eavesdropper-" + Guid.NewGuid().ToString("N")[..8], topics);

    /// <summary>The <paramref name="occurrence"/>-th (1-based) ack of <paramref name="commandId"/>: (status, reason).</summary>
    public static async Task<(string Status, string? Reason)> AckAsync(MqttProbe probe, string nodeId, string commandId, int occurrence = 1)
    {
        var seen = 0;
        var message = await probe.WaitForAsync(
            received => received.Topic == AckTopic(nodeId) && IdOf(received.Payload) == commandId && ++seen >= occurrence, Timeout);
        using var ack = JsonDocument.Parse(SignedPart(message.Payload));
        return (ack.RootElement.GetProperty("status").GetString()!, ack.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
    }

    /// <summary>The first "security.refused" event with <paramref name="code"/> the Controller has stored for the node, once it has.</summary>
    public async Task<JsonElement> RefusalEventAsync(string nodeId, string code)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            var page = await Http.GetFromJsonAsync<JsonElement>($"/api/nodes/{nodeId}/events?limit=1000", deadline.Token);
            foreach (var stored in page.GetProperty("items").EnumerateArray())
            {
                if (stored.GetProperty("kind").GetString() == "security.refused" && stored.TryGetProperty("code", out var found) && found.GetString() == code)
                {
                    return stored;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }

        if (controller is not null)
        {
            await controller.DisposeAsync();
        }

        Http?.Dispose();
        await Mosquitto.DisposeAsync();
        try
        {
            Directory.Delete(Data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    /// <summary>The JSON of a node's acknowledgement or event: the first line of the signed form the node sends.</summary>
    public static ReadOnlyMemory<byte> SignedPart(byte[] payload)
    {
        var newline = Array.IndexOf(payload, (byte)'\n');
        return newline < 0 ? payload : payload.AsMemory(0, newline);
    }

    private static string? IdOf(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(SignedPart(payload));
            return document.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task WaitUntilKnownAsync(string nodeId)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while ((await Http.GetAsync(new Uri($"/api/nodes/{nodeId}", UriKind.Relative), deadline.Token)).StatusCode != HttpStatusCode.OK)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }
}
