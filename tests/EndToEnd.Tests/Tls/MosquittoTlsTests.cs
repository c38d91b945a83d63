using System.Security.Cryptography.X509Certificates;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests.Tls;

/// <summary>
/// Debian's Mosquitto running the files a Controller in external mode writes, TLS listener included (its certificate
/// generated in the Controller's data folder): a node pinning the Controller's CA enrols and connects over TLS, one
/// pinning another CA does not.
/// </summary>
public sealed class MosquittoTlsTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sl-e2e-mosquitto-tls-").FullName;
    private readonly List<NodeAgent> _agents = [];
    private readonly ControllerMosquitto _mosquitto = new();
    private ControllerUnderTest? _controller;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        if (_controller is not null)
        {
            await _controller.DisposeAsync();
        }

        await _mosquitto.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_node_pinning_the_Controllers_CA_enrols_and_connects_to_Mosquitto_over_TLS_and_another_CA_is_refused()
    {
        _controller = await ControllerUnderTest.WithMosquittoAsync(_mosquitto, _folder);
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_folder, BrokerCertificateFiles.AuthorityCertificateFile)));
        using var stranger = BrokerCertificateAuthority.CreateAuthority(DateTimeOffset.UtcNow);
        var refusedLog = new RecordingLogger<NodeAgent>();

        var pinned = await StartNodeAsync("mosq-tls-1", ca.RawData, new RecordingLogger<NodeAgent>());
        var misled = await StartNodeAsync("mosq-tls-2", stranger.RawData, refusedLog);

        await pinned.WaitForBirthAsync(CancellationToken.None).WaitAsync(Eventually.Timeout);
        await Eventually.TrueAsync(() => _controller.IsOnlineAsync("mosq-tls-1"), because: "the node enrolled over TLS and its birth reached the Controller through Mosquitto");
        Assert.Contains("not issued by the pinned CA", await refusedLog.WaitForWarningAsync("TLS certificate"), StringComparison.Ordinal);
        Assert.Equal(0, misled.Connections);
    }

    private async Task<NodeAgent> StartNodeAsync(string nodeId, byte[] pinnedCa, RecordingLogger<NodeAgent> logger)
    {
        var settings = new NodeAgentSettings
        {
            NodeId = nodeId,
            Zones = ["zone-1"],
            Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = _mosquitto.TlsPort, Tls = true }],
            BrokerCaCertificate = pinnedCa,
            EnrolmentToken = BootstrapToken.ForTests.Token,
            ReconnectWindow = TimeSpan.FromMilliseconds(100),
            ReconnectBackoffCap = TimeSpan.FromMilliseconds(500),
        };
        var agent = NodeComposer.Compose(settings, NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId)), TimeProvider.System, logger);
        _agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        return agent;
    }
}
