using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// What the identity pages' browser tests share: a Controller process with a bootstrap enrolment token, two nodes
/// enrolled by it the real way (signed requests on the enrolment account), one of them connected with its own
/// credentials and born declaring a zone it was not approved for, and one headless Chromium.
/// </summary>
public sealed class IdentityUiFixture : IAsyncLifetime
{
    /// <summary>The node that is online and declares <c>thon-9</c> besides its approved <c>thon-1</c>.</summary>
    public const string BornNode = "loa-thon1-a";

    /// <summary>Enrolled by the token but never connected.</summary>
    public const string SilentNode = "loa-thon1-b";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "sl-identity-" + Guid.NewGuid().ToString("N"));
    private readonly List<NodeCredentials> credentials = [];
    private PhoneBrowser? phone;
    private IMqttClient? bornClient;

    /// <summary>The token the Controller is configured with (zones thon-1 and thon-2).</summary>
    public BootstrapToken Token { get; } = BootstrapToken.Create("thon-1", "thon-2");

    public ControllerProcess Controller { get; private set; } = null!;

    public IBrowser Browser => phone!.Browser;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(FleetUiFixture.ScreenshotDirectory);
        Controller = new ControllerProcess(dataDirectory, extraArguments: BootstrapToken.Arguments(Token.ControllerSettings()));
        await Controller.StartAsync();
        var born = await EnrolWithTokenAsync(BornNode);
        await EnrolWithTokenAsync(SilentNode);
        bornClient = await ConnectAsync(born);
        await PublishBirthAsync(bornClient, BornNode, "thon-1", "thon-9");

        phone = await PhoneBrowser.LaunchAsync();
    }

    /// <summary>A fresh phone-sized context (360×740), signed in as the test admin, in <paramref name="culture"/> (Vietnamese by default), script off unless asked.</summary>
    public async Task<IPage> NewPageAsync(string? culture = null, bool script = false) =>
        await phone!.NewPageAsync(Controller.BaseAddress, culture, script, session: await Controller.SessionCookieAsync());

    /// <summary>Enrols <paramref name="nodeId"/> with the configured token, as a node installed with it does.</summary>
    public async Task<NodeCredentials> EnrolWithTokenAsync(string nodeId)
    {
        var node = NodeCredentials.Create(nodeId);
        credentials.Add(node);
        await NodeEnrolment.EnrolWithTokenAsync("127.0.0.1", Controller.MqttPort, node, Token.Token, Timeout);
        return node;
    }

    /// <summary>A new node asking to join without a token: its request waits for a technician.</summary>
    public async Task<NodeCredentials> AskToJoinAsync(string nodeId, params string[] zones)
    {
        var node = NodeCredentials.Create(nodeId);
        credentials.Add(node);
        var status = await NodeEnrolment.RequestAsync("127.0.0.1", Controller.MqttPort, node, zones, null, Timeout);
        Assert.Equal(Protocol.Enrolment.EnrolmentState.Pending, status.State);
        return node;
    }

    /// <summary>Publishes a birth of <paramref name="nodeId"/> declaring <paramref name="zones"/> on its connection.</summary>
    public static async Task PublishBirthAsync(IMqttClient client, string nodeId, params string[] zones)
    {
        ArgumentNullException.ThrowIfNull(client);
        await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.ForNode(nodeId, NodeMessageKind.Birth))
            .WithPayload(WireCodec.Encode(new NodeBirth
            {
                NodeId = nodeId,
                BdSeq = 1,
                Ts = DateTimeOffset.UtcNow,
                Software = "1.2.3",
                Hardware = new HardwareProfile { Model = "Raspberry Pi 4 Model B Rev 1.4", Serial = "10000000a1b2c3d4", Os = "Debian GNU/Linux 12 (bookworm)" },
                Capabilities = ["audio.opus"],
                Zones = zones,
                HeartbeatSeconds = 30,
                UptimeSeconds = 5,
            }))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }

    /// <summary>Connects as the node with its own credentials (username = client id = node id).</summary>
    public async Task<IMqttClient> ConnectAsync(NodeCredentials node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var client = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(Timeout);
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Controller.MqttPort)
            .WithClientId(node.NodeId)
            .WithCredentials(node.Username, node.Password)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithTimeout(Timeout)
            .Build(), timeout.Token);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (phone is not null)
        {
            await phone.DisposeAsync();
        }

        bornClient?.Dispose();
        foreach (var node in credentials)
        {
            node.Dispose();
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
}
